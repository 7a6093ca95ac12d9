using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;

namespace ELicense.Client.Connection;

/// <summary>
/// Builds the channel to the server for the inspector and the load generator alike. One address: a plain
/// channel to it, exactly as before. Several: one client-side load-balanced channel, a subchannel per
/// replica, calls spread round robin over the connected replicas that said SERVING, else the unanswered
/// ones, else the NOT_SERVING ones (fail open; <see cref="ServingChoice{T}"/>).
/// </summary>
public static class ReplicaChannel
{
    private const string BalancedAddress = "static:///elicense";

    /// <summary>
    /// The channel for <paramref name="options"/>. <paramref name="channelOptions"/> carries the handler (a
    /// SocketsHttpHandler without ConnectCallback when balanced: grpc-dotnet requires it) and is completed here;
    /// <paramref name="health"/> is required when <see cref="ConnectionOptions.IsBalanced"/>, and may be shared by many channels.
    /// </summary>
    public static GrpcChannel Create(ConnectionOptions options, GrpcChannelOptions channelOptions, ReplicaHealth? health)
    {
        if (!options.IsBalanced)
        {
            return GrpcChannel.ForAddress(options.Server, channelOptions);
        }

        ArgumentNullException.ThrowIfNull(health);
        var addresses = options.Servers
            .Select(ServerAddresses.Endpoint)
            .Select(e => new BalancerAddress(e.Host, e.Port))
            .ToArray();
        // The "static" scheme carries no transport security of its own: say it (all addresses share one scheme).
        channelOptions.Credentials = options.UsesTls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        channelOptions.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig(ServingBalancerFactory.PolicyName) } };
        channelOptions.ServiceProvider = new BalancerServices(new StaticResolverFactory(_ => addresses), new ServingBalancerFactory(health));
        return GrpcChannel.ForAddress(BalancedAddress, channelOptions);
    }

    /// <summary>
    /// Where grpc-dotnet looks up resolver and balancer factories (GrpcChannelOptions.ServiceProvider): just
    /// these two, without a dependency-injection container.
    /// </summary>
    private sealed class BalancerServices(ResolverFactory resolver, LoadBalancerFactory balancer) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IEnumerable<ResolverFactory>) ? new[] { resolver }
            : serviceType == typeof(IEnumerable<LoadBalancerFactory>) ? new[] { balancer }
            : null;
    }
}
