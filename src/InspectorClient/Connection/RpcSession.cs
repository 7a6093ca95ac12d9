using ELicense.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Polly;

namespace ELicense.Inspector.Connection;

/// <summary>
/// One channel to the server and the calls made over it: every call runs inside the retry pipeline and
/// every attempt gets its own deadline.
/// </summary>
public sealed class RpcSession : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;

    /// <summary>Opens a channel (lazily connected) to <see cref="ConnectionOptions.Server"/>.</summary>
    public RpcSession(ConnectionOptions options, TimeProvider time, Action<int, Exception?>? onRetry = null)
    {
        Options = options;
        _time = time;
        _pipeline = RetryPipeline.Create(options.Retries, onRetry);
        _channel = GrpcChannel.ForAddress(options.Server, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = options.Deadline,
            },
            // Ctrl+C surfaces as OperationCanceledException, not as an RPC failure.
            ThrowOperationCanceledOnCancellation = true,
        });
        Verification = new VerificationService.VerificationServiceClient(_channel);
        Registry = new RegistryService.RegistryServiceClient(_channel);
    }

    /// <summary>The resolved options.</summary>
    public ConnectionOptions Options { get; }

    /// <summary>The read-side client.</summary>
    public VerificationService.VerificationServiceClient Verification { get; }

    /// <summary>The write-side client.</summary>
    public RegistryService.RegistryServiceClient Registry { get; }

    /// <summary>Makes a unary call with retries; each attempt's deadline is now plus the configured deadline.</summary>
    public async Task<TResponse> CallAsync<TResponse>(
        Func<CallOptions, AsyncUnaryCall<TResponse>> call,
        CancellationToken cancellationToken)
    {
        return await _pipeline.ExecuteAsync(
            async token =>
            {
                var deadline = _time.GetUtcNow().UtcDateTime + Options.Deadline;
                using var pending = call(new CallOptions(deadline: deadline, cancellationToken: token));
                return await pending.ResponseAsync;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
