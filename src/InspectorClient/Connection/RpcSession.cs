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

    /// <summary>Opens a channel (lazily connected) to <see cref="ConnectionOptions.Server"/>.</summary>
    public RpcSession(ConnectionOptions options, Action<int, Exception?>? onRetry = null)
    {
        Options = options;
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
            // Left false: with true, an exceeded deadline would also surface as OperationCanceledException.
            // Ctrl+C arrives as RpcException(Cancelled) with the token cancelled; InspectorCommand tells them apart.
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
                // gRPC measures deadlines against the system clock, so this one cannot be injected.
                var deadline = TimeProvider.System.GetUtcNow().UtcDateTime + Options.Deadline;
                using var pending = call(new CallOptions(deadline: deadline, cancellationToken: token));
                return await pending.ResponseAsync;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
