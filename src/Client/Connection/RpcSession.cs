using ELicense.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Polly;
using ELicense.Client.Cli;

namespace ELicense.Client.Connection;

/// <summary>
/// One channel to the server (or, with several addresses, balanced over its replicas) and the calls made
/// over it: every call runs inside the retry pipeline, every attempt gets its own deadline (and, balanced,
/// is picked again, so a retry goes to another replica), and every call carries the API key when one is given.
/// </summary>
public sealed class RpcSession : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ClientTls _tls;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _writePipeline;
    private readonly CallCredentials? _credentials;
    private readonly ReplicaHealth? _health;
    private readonly TimeProvider _time;
    private readonly bool _ownsChannel = true;
    private int _disposed;

    /// <summary>
    /// Opens a channel (lazily connected) to <see cref="ConnectionOptions.Server"/>. Loads the TLS files
    /// first: an unusable one throws <see cref="UsageException"/>. <paramref name="httpHandler"/>
    /// replaces the socket handler (tests, one address only); the client certificate and CA then do not apply.
    /// With several addresses the replicas' health is polled from here on (<see cref="ReplicaHealth"/>), each
    /// check bounded by <paramref name="healthTimeout"/> (<see cref="ReplicaHealth.DefaultTimeout"/> when null).
    /// </summary>
    public RpcSession(ConnectionOptions options, Action<RetryNote>? onRetry = null, HttpMessageHandler? httpHandler = null, TimeProvider? time = null,
        TimeSpan? healthTimeout = null)
    {
        if (options.IsBalanced && httpHandler is not null)
        {
            throw new ArgumentException("A balanced channel needs its own socket handler.", nameof(httpHandler));
        }

        Options = options;
        _time = time ?? TimeProvider.System;
        _tls = ClientTls.Load(options);
        _pipeline = RetryPipeline.Create(options.Retries, onRetry);
        _writePipeline = RetryPipeline.CreateForWrites(options.Retries, onRetry);
        _credentials = options.ApiKey is null ? null : ApiKeyCredentials.Create(options.ApiKey);
        _health = options.IsBalanced ? ReplicaHealth.ForReplicas(options, _tls, _time, healthTimeout) : null;
        _health?.Start();
        _channel = ReplicaChannel.Create(options, CreateChannelOptions(options, _tls, httpHandler), _health);
        Verification = new VerificationService.VerificationServiceClient(_channel);
        Registry = new RegistryService.RegistryServiceClient(_channel);
        Holder = new HolderService.HolderServiceClient(_channel);
    }

    private RpcSession(RpcSession shared, int retries, Action<RetryNote>? onRetry)
    {
        Options = shared.Options with { Retries = retries };
        _time = shared._time;
        _tls = shared._tls;
        _credentials = shared._credentials;
        _health = shared._health;
        _channel = shared._channel;
        _ownsChannel = false;
        _pipeline = RetryPipeline.Create(retries, onRetry);
        _writePipeline = RetryPipeline.CreateForWrites(retries, onRetry);
        Verification = new VerificationService.VerificationServiceClient(_channel);
        Registry = new RegistryService.RegistryServiceClient(_channel);
        Holder = new HolderService.HolderServiceClient(_channel);
    }

    /// <summary>
    /// The same channel, connections and health poller with another retry budget (and retry notes): a
    /// second session of its own would open a second set of connections and poll every replica's health a
    /// second time. Disposing it leaves this session's channel open. Once this session is disposed, a call on
    /// the returned one throws <see cref="ObjectDisposedException"/> (the shared channel is closed).
    /// </summary>
    public RpcSession WithRetries(int retries, Action<RetryNote>? onRetry = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(retries, ConnectionOptions.MaxRetries);
        return new RpcSession(this, retries, onRetry);
    }

    /// <summary>The replicas' health as this session's balancer sees it; null with one address.</summary>
    public ReplicaHealth? Health => _health;

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

    /// <summary>
    /// Makes a read with retries (safe to repeat, on any replica); each attempt's deadline is now plus the
    /// configured deadline. For writes use <see cref="WriteAsync"/>, for a verification <see cref="VerifyAsync"/>.
    /// </summary>
    public Task<TResponse> CallAsync<TResponse>(Func<CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken) =>
        RunAsync(_pipeline, call, cancellationToken);

    /// <summary>Makes a write: retried only when it provably never left this client (<see cref="RetryPipeline.CreateForWrites"/>).</summary>
    public Task<TResponse> WriteAsync<TResponse>(Func<CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken) =>
        RunAsync(_writePipeline, call, cancellationToken);

    /// <summary>
    /// Verifies one scan with retries. Every attempt sends the identical request (same device id), so a retry
    /// that meets this scan's own claim, made by a replica that died before answering, is a repeat scan and
    /// never a replay; <see cref="RetriedScan"/> then shows it as the first check it was.
    /// </summary>
    public async Task<VerifyCredentialResponse> VerifyAsync(VerifyCredentialRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var attempts = 0;
        var response = await RunAsync(_pipeline, o =>
        {
            Interlocked.Increment(ref attempts);
            return Verification.VerifyCredentialAsync(request, o);
        }, cancellationToken);
        return attempts > 1 ? RetriedScan.Reconcile(response, started, _time.GetUtcNow()) : response;
    }

    private async Task<TResponse> RunAsync<TResponse>(
        ResiliencePipeline pipeline,
        Func<CallOptions, AsyncUnaryCall<TResponse>> call,
        CancellationToken cancellationToken)
    {
        return await pipeline.ExecuteAsync(
            async token =>
            {
                // gRPC measures deadlines against the system clock, so this one cannot be injected.
                var deadline = TimeProvider.System.GetUtcNow().UtcDateTime + Options.Deadline;
                using var pending = call(new CallOptions(deadline: deadline, cancellationToken: token, credentials: _credentials));
                return await pending.ResponseAsync;
            },
            cancellationToken);
    }

    /// <summary>
    /// Closes the channel, the health poller and the TLS material (once; later calls do nothing). A session
    /// from <see cref="WithRetries"/> owns none of them.
    /// </summary>
    public void Dispose()
    {
        if (!_ownsChannel || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Dispose();
        _health?.Dispose();
        _tls.Dispose();
    }
}
