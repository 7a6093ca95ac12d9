using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ELicense.Client.Connection;

/// <summary>
/// Asks one replica whether it serves verification: grpc.health.v1 Check for the VerificationService over
/// a small channel of its own per address (Check rather than Watch: the server caps Watch streams, and a
/// Check holds nothing open between polls). Health is answered without an API key.
/// </summary>
public sealed class HealthProbe : IDisposable
{
    /// <summary>The health service name asked for; a draining replica reports it NOT_SERVING.</summary>
    public const string ServiceName = "elicense.v1.VerificationService";

    private readonly Dictionary<Uri, (GrpcChannel Channel, Health.HealthClient Client)> _clients = [];
    private readonly TimeSpan _timeout;

    /// <summary>Opens (lazily connected) one channel per address, with <paramref name="tls"/>' client certificate and CA.</summary>
    public HealthProbe(IEnumerable<Uri> servers, ClientTls tls, TimeSpan timeout)
    {
        _timeout = timeout;
        foreach (var server in servers)
        {
            var handler = new SocketsHttpHandler { ConnectTimeout = timeout, UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
            tls.Apply(handler.SslOptions);
            var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = handler, MaxReconnectBackoff = RpcSession.MaxReconnectBackoff });
            _clients[server] = (channel, new Health.HealthClient(channel));
        }
    }

    /// <summary>
    /// True for SERVING; also for a server without the health service (UNIMPLEMENTED) or that has not
    /// published this name yet (NOT_FOUND), as it would answer calls. False for NOT_SERVING; throws when unreachable.
    /// </summary>
    public async Task<bool> IsServingAsync(Uri server, CancellationToken cancellationToken)
    {
        // gRPC measures deadlines against the system clock, so this one cannot be injected; the caller also
        // bounds the wait with its own clock.
        var deadline = TimeProvider.System.GetUtcNow().UtcDateTime + _timeout;
        try
        {
            var reply = await _clients[server].Client.CheckAsync(new HealthCheckRequest { Service = ServiceName }, deadline: deadline, cancellationToken: cancellationToken);
            return reply.Status is ServingStatus.Serving or ServingStatus.Unknown;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unimplemented or StatusCode.NotFound)
        {
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (channel, _) in _clients.Values)
        {
            channel.Dispose();
        }
    }
}
