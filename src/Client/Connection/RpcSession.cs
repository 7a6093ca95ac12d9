using ELicense.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Polly;
using ELicense.Client.Cli;

namespace ELicense.Client.Connection;

/// <summary>
/// One channel to the server and the calls made over it: every call runs inside the retry pipeline,
/// every attempt gets its own deadline, and every call carries the API key when one is given.
/// </summary>
public sealed class RpcSession : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ClientTls _tls;
    private readonly ResiliencePipeline _pipeline;
    private readonly CallCredentials? _credentials;

    /// <summary>
    /// Opens a channel (lazily connected) to <see cref="ConnectionOptions.Server"/>. Loads the TLS files
    /// first: an unusable one throws <see cref="UsageException"/>. <paramref name="httpHandler"/>
    /// replaces the socket handler (tests); the client certificate and CA then do not apply.
    /// </summary>
    public RpcSession(ConnectionOptions options, Action<RetryNote>? onRetry = null, HttpMessageHandler? httpHandler = null)
    {
        Options = options;
        _tls = ClientTls.Load(options);
        _pipeline = RetryPipeline.Create(options.Retries, onRetry);
        _credentials = options.ApiKey is null ? null : ApiKeyCredentials.Create(options.ApiKey);
        _channel = GrpcChannel.ForAddress(options.Server, CreateChannelOptions(options, _tls, httpHandler));
        Verification = new VerificationService.VerificationServiceClient(_channel);
        Registry = new RegistryService.RegistryServiceClient(_channel);
        Holder = new HolderService.HolderServiceClient(_channel);
    }

    /// <summary>The resolved options.</summary>
    public ConnectionOptions Options { get; }

    /// <summary>The read-side client.</summary>
    public VerificationService.VerificationServiceClient Verification { get; }

    /// <summary>The write-side client.</summary>
    public RegistryService.RegistryServiceClient Registry { get; }

    /// <summary>The licence holder's client.</summary>
    public HolderService.HolderServiceClient Holder { get; }

    /// <summary>The longest wait between reconnection attempts after the server could not be reached.</summary>
    public static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(3);

    /// <summary>The channel options for <paramref name="options"/>: socket handler with the TLS material, call credentials policy.</summary>
    public static GrpcChannelOptions CreateChannelOptions(ConnectionOptions options, ClientTls tls, HttpMessageHandler? httpHandler = null)
    {
        if (httpHandler is null)
        {
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = options.Deadline,
            };
            tls.Apply(handler.SslOptions);
            httpHandler = handler;
        }

        return new GrpcChannelOptions
        {
            HttpHandler = httpHandler,
            // Grpc.Net.Client drops call credentials on http:// unless told otherwise. ConnectionOptions only
            // lets an API key go with an http:// server whose host is loopback, so this is set for those alone.
            UnsafeUseInsecureChannelCallCredentials = options.SendsCredentialsInsecurely,
            // After a failed connection the channel waits before the next attempt, doubling up to two minutes by
            // default: a handheld whose server comes back must find it within seconds, so the wait stays short.
            MaxReconnectBackoff = MaxReconnectBackoff,
            // ThrowOperationCanceledOnCancellation left false: with true, an exceeded deadline would also surface as
            // OperationCanceledException. Ctrl+C arrives as RpcException(Cancelled) with the token cancelled;
            // InspectorCommand tells them apart.
        };
    }

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
                using var pending = call(new CallOptions(deadline: deadline, cancellationToken: token, credentials: _credentials));
                return await pending.ResponseAsync;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _channel.Dispose();
        _tls.Dispose();
    }
}
