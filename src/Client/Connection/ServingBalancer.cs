using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace ELicense.Client.Connection;

/// <summary>
/// The channel's load balancer over several replicas: grpc-dotnet's subchannel bookkeeping (one subchannel
/// per address, reconnects with backoff, only READY ones reach the picker), with a picker that also prefers
/// replicas <see cref="ReplicaHealth"/> last saw SERVING over unanswered ones, and those over NOT_SERVING
/// ones. The subchannel of a NOT_SERVING replica is kept, so calls already on it finish there and the
/// replica is used again, without reconnecting, once it serves.
/// </summary>
public sealed class ServingBalancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, ReplicaHealth health)
    : SubchannelsLoadBalancer(controller, loggerFactory)
{
    /// <inheritdoc />
    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels) => new ServingPicker(readySubchannels, health);
}

/// <summary>
/// Picks, for each call (and each retry attempt, which is a new call), the next ready replica in the best
/// health state any ready one is in: SERVING, else unanswered, else NOT_SERVING (fail open; <see cref="ServingChoice{T}"/>).
/// </summary>
public sealed class ServingPicker(IReadOnlyList<Subchannel> ready, ReplicaHealth health) : SubchannelPicker
{
    private readonly ServingChoice<Subchannel> _choice = new(ready, s => StateOf(s, health), Random.Shared.Next());

    /// <inheritdoc />
    public override PickResult Pick(PickContext context) =>
        _choice.Next() is { } subchannel
            ? PickResult.ForSubchannel(subchannel)
            : PickResult.ForFailure(new Status(StatusCode.Unavailable, "no server replica is connected"));

    private static ReplicaState StateOf(Subchannel subchannel, ReplicaHealth health)
    {
        var address = subchannel.CurrentAddress ?? (subchannel.GetAddresses() is [var first, ..] ? first : null);
        return address is null ? ReplicaState.Serving : health.StateOf(address.EndPoint.Host, address.EndPoint.Port);
    }
}

/// <summary>Makes <see cref="ServingBalancer"/>s that share one <see cref="ReplicaHealth"/>.</summary>
public sealed class ServingBalancerFactory(ReplicaHealth health) : LoadBalancerFactory
{
    /// <summary>The policy name the channel's service config asks for.</summary>
    public const string PolicyName = "elicense_serving_round_robin";

    /// <inheritdoc />
    public override string Name => PolicyName;

    /// <inheritdoc />
    public override LoadBalancer Create(LoadBalancerOptions options) => new ServingBalancer(options.Controller, options.LoggerFactory, health);
}
