using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>Which pub/sub the invalidation channel uses.</summary>
public enum InvalidationChannelKind
{
    /// <summary>Not known yet: no Redis server has been reached.</summary>
    Unknown,

    /// <summary>PUBLISH/SUBSCRIBE: a single Redis, or a cluster with a node older than 7.0.</summary>
    Literal,

    /// <summary>SPUBLISH/SSUBSCRIBE: a Redis Cluster of 7.0 or later; the channel lives on its slot's shard only.</summary>
    Sharded,
}

/// <summary>
/// The invalidation channel (<c>{prefix}invalidate</c>), and whether it is sharded. On a Redis Cluster a
/// literal PUBLISH is broadcast over the cluster bus to every node, and the subscription sits on any node;
/// a sharded one (Redis 7) goes to the master owning the channel's slot and its replicas only. On a single
/// Redis nothing changes (literal, as before, so replicas of an older version still hear each other).
/// Decided from the first servers reached: subscription and publications must agree, and the heartbeat rides
/// the same channel, so a sharded subscription that stops delivering (its shard failed over, a resubscription
/// gap) shows up as missed heartbeats (<see cref="InvalidationState"/>). Replicas that decided differently do not
/// show up that way (each hears its own heartbeats): <see cref="ChannelAgreement"/> brings them onto one kind.
/// </summary>
public sealed partial class InvalidationChannel(RedisConnection redis, ILogger<InvalidationChannel> logger)
{
    private static readonly Version ShardedSince = new(7, 0);
    private int _kind = (int)InvalidationChannelKind.Unknown;

    /// <summary>The kind decided so far.</summary>
    public InvalidationChannelKind Kind => (InvalidationChannelKind)Volatile.Read(ref _kind);

    /// <summary>The channel on <paramref name="multiplexer"/>, or null while no server has been reached to decide its kind.</summary>
    public RedisChannel? Resolve(ConnectionMultiplexer multiplexer)
    {
        var kind = Kind;
        if (kind == InvalidationChannelKind.Unknown)
        {
            var connected = multiplexer.GetServers().Where(s => s.IsConnected).Select(s => (s.ServerType, s.Version)).ToList();
            kind = Choose(connected);
            if (kind == InvalidationChannelKind.Unknown)
            {
                return null;
            }

            var before = Interlocked.CompareExchange(ref _kind, (int)kind, (int)InvalidationChannelKind.Unknown);
            if (before != (int)InvalidationChannelKind.Unknown)
            {
                kind = (InvalidationChannelKind)before; // decided meanwhile by another caller: keep that one
            }
            else
            {
                LogDecided(logger, redis.KeyPrefix + "invalidate", kind);
            }
        }

        return For(kind, redis.KeyPrefix);
    }

    /// <summary>The kind this replica could use with the servers it reaches now (see <see cref="Choose"/>; literal while none is reached).</summary>
    public static InvalidationChannelKind Capability(ConnectionMultiplexer multiplexer) =>
        Choose(multiplexer.GetServers().Where(s => s.IsConnected).Select(s => (s.ServerType, s.Version)).ToList()) == InvalidationChannelKind.Sharded
            ? InvalidationChannelKind.Sharded
            : InvalidationChannelKind.Literal;

    /// <summary>
    /// Switches to the fleet's kind (<see cref="ChannelAgreement"/>); true when it changed. Publications follow at once,
    /// the subscription once it is made again.
    /// </summary>
    public bool Adopt(InvalidationChannelKind kind)
    {
        var before = (InvalidationChannelKind)Interlocked.Exchange(ref _kind, (int)kind);
        return before != kind && before != InvalidationChannelKind.Unknown;
    }

    /// <summary>The kind for the servers reached: sharded only on a cluster whose every reached node is 7.0 or later.</summary>
    public static InvalidationChannelKind Choose(IReadOnlyCollection<(ServerType Type, Version Version)> connected) =>
        connected.Count == 0 ? InvalidationChannelKind.Unknown
        : connected.Any(s => s.Type == ServerType.Cluster) && connected.All(s => s.Version >= ShardedSince) ? InvalidationChannelKind.Sharded
        : InvalidationChannelKind.Literal;

    /// <summary>The channel of <paramref name="kind"/> under <paramref name="keyPrefix"/>.</summary>
    public static RedisChannel For(InvalidationChannelKind kind, string keyPrefix) => kind == InvalidationChannelKind.Sharded
        ? RedisChannel.Sharded(keyPrefix + "invalidate")
        : RedisChannel.Literal(keyPrefix + "invalidate");

    [LoggerMessage(Level = LogLevel.Information, Message = "Invalidations and heartbeats go over {Channel} as {Kind} pub/sub.")]
    private static partial void LogDecided(ILogger logger, string channel, InvalidationChannelKind kind);
}
