using ELicense.V1;
using Grpc.Core;
using Grpc.Net.Client;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Bench;

/// <summary>
/// The run's HTTP/2 connections: one gRPC channel each, each channel held to a single connection, so that
/// --connections is the number of TCP connections. A connection carries as many concurrent calls as the
/// server's stream limit allows (Kestrel: 100); calls beyond it wait in the client for a stream, and
/// that wait is part of their latency. With several --server addresses each channel is balanced over the
/// replicas (ReplicaChannel), so there are --connections connections to each replica, and one shared health
/// poller skips a replica that is down or NOT_SERVING.
/// </summary>
public sealed class BenchConnections : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly ClientTls _tls;
    private readonly ReplicaHealth? _health;

    /// <summary>Opens <paramref name="count"/> channels (connected lazily) to the server of <paramref name="options"/>.</summary>
    public BenchConnections(ConnectionOptions options, int count)
    {
        _tls = ClientTls.Load(options);
        _health = options.IsBalanced ? ReplicaHealth.ForReplicas(options, _tls) : null;
        _health?.Start();
        _channels = new GrpcChannel[count];
        for (var i = 0; i < count; i++)
        {
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = false,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                ConnectTimeout = options.Deadline,
                // Nothing of HTTP's per-request machinery that gRPC does not use: each costs on every call.
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
            };
            _tls.Apply(handler.SslOptions);
            _channels[i] = ReplicaChannel.Create(options, new GrpcChannelOptions { HttpHandler = handler }, _health);
        }

        Verification = _channels.Select(c => new VerificationService.VerificationServiceClient(c)).ToArray();
        Registry = _channels.Select(c => new RegistryService.RegistryServiceClient(c)).ToArray();
    }

    /// <summary>The read-side client of each connection.</summary>
    public VerificationService.VerificationServiceClient[] Verification { get; }

    /// <summary>The write-side client of each connection (minting credentials).</summary>
    public RegistryService.RegistryServiceClient[] Registry { get; }

    /// <summary>
    /// The headers of every call of a caller: "authorization: Bearer KEY" (or none). Plain headers rather
    /// than call credentials: no interceptor runs per call. ConnectionOptions already refused to send a key
    /// over http:// to anything but loopback.
    /// </summary>
    public static Metadata Headers(Secret? apiKey)
    {
        var headers = new Metadata();
        if (apiKey is not null)
        {
            headers.Add(ApiKeyCredentials.Header, $"{ApiKeyCredentials.Scheme} {apiKey.Reveal()}");
        }

        return headers;
    }

    /// <summary>
    /// Opens every connection with one cheap call each (ListIssuerKeys), so that connection setup is not
    /// in the measurement and a wrong key or address fails at once, before any load.
    /// </summary>
    public async Task OpenAsync(Metadata headers, TimeSpan deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        var calls = Verification.Select(async client =>
        {
            using var call = client.ListIssuerKeysAsync(new ListIssuerKeysRequest(),
                new CallOptions(headers, time.GetUtcNow().UtcDateTime + deadline, cancellationToken));
            await call;
        });
        await Task.WhenAll(calls);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _health?.Dispose();
        _tls.Dispose();
    }
}
