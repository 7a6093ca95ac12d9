using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>
/// Removes changed records from every level: this replica's memory, Redis, and — through Redis
/// pub/sub — every other replica's memory.
/// </summary>
public sealed partial class CacheInvalidator(
    RedisConnection redis,
    CacheKeys cacheKeys,
    TwoLevelCache<LicenseEntry> licenses,
    TwoLevelCache<VehicleEntry> vehicles,
    ChangeTracker tracker,
    InvalidationState state,
    ResiliencePipelineProvider<string> pipelines,
    ILogger<CacheInvalidator> logger)
{
    private readonly ResiliencePipeline _redisPipeline = pipelines.GetPipeline(ResilienceExtensions.Redis);
    private int _subscribed;

    /// <summary>What <see cref="InvalidationHeartbeat"/> publishes: no '|' in it, so no invalidation parser (this version's or an older one's) reads it as a key.</summary>
    internal static readonly RedisValue Heartbeat = "heartbeat";

    internal RedisChannel Channel => RedisChannel.Literal(redis.KeyPrefix + "invalidate");

    /// <summary>
    /// After a registry write: drop the keys here, delete them from Redis, then tell the other replicas.
    /// Redis is cleared before the message goes out, so a replica that reacts at once cannot refill
    /// its memory from the old Redis copy.
    /// </summary>
    public async Task InvalidateAsync(IReadOnlyList<RegistryChange> changes, bool publish)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var keys = new string[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            keys[i] = cacheKeys.For(changes[i]);
            Apply(keys[i], changes[i].Sequence);
        }

        keys = keys.Distinct(StringComparer.Ordinal).ToArray();

        if (redis.CacheMultiplexer is not { } multiplexer)
        {
            return;
        }

        try
        {
            var redisKeys = keys.Select(k => new RedisKey(redis.KeyPrefix + k)).ToArray();
            var database = multiplexer.GetDatabase();
            await _redisPipeline.ExecuteAsync(
                static async (s, ct) => await s.database.KeyDeleteAsync(s.redisKeys).WaitAsync(ct),
                (database, redisKeys), CancellationToken.None);
            if (publish)
            {
                // "key|sequence" per line (the hashed key, never the number): receivers refuse anything read before that sequence.
                var message = string.Join('\n', changes.Select(c => $"{cacheKeys.For(c)}|{c.Sequence}"));
                await _redisPipeline.ExecuteAsync(
                    static async (s, ct) => await s.subscriber.PublishAsync(s.channel, s.message).WaitAsync(ct),
                    (subscriber: multiplexer.GetSubscriber(), channel: Channel, message), CancellationToken.None);
            }
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e))
        {
            // The change feed still reaches every replica within its poll interval, and Redis entries
            // are deleted again by each replica's follower.
            LogRedisInvalidationFailed(logger, keys.Length, e);
        }
    }

    /// <summary>
    /// Subscribes to other replicas' invalidations once Redis is reachable; safe to call repeatedly. Made
    /// once: the multiplexer restores it after every reconnect. Whether it is delivering right now is
    /// <see cref="InvalidationState"/>'s call, from heartbeats and connection events.
    /// </summary>
    public async Task EnsureSubscribedAsync()
    {
        if (Volatile.Read(ref _subscribed) == 1 || redis.CacheMultiplexer is not { IsConnected: true } multiplexer)
        {
            return;
        }

        try
        {
            // Bounded: a frozen Redis must not hold up the change-feed loop that calls this.
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(Channel).WaitAsync(TimeSpan.FromSeconds(1));
            queue.OnMessage(message =>
            {
                if (message.Message == Heartbeat)
                {
                    state.HeartbeatReceived(); // the subscription is delivering (see InvalidationState)
                    return;
                }

                foreach (var line in ((string?)message.Message ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var separator = line.LastIndexOf('|');
                    if (separator > 0 && long.TryParse(line.AsSpan(separator + 1), System.Globalization.NumberStyles.None,
                            System.Globalization.CultureInfo.InvariantCulture, out var sequence))
                    {
                        Apply(line[..separator], sequence);
                    }
                }
            });
            Volatile.Write(ref _subscribed, 1);
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e))
        {
            LogSubscribeFailed(logger, e);
        }
    }

    /// <summary>Remembers the change (so older copies are refused everywhere) and drops the key from memory.</summary>
    internal void Apply(string key, long sequence)
    {
        tracker.Record(key, sequence);
        InvalidateLocal(key);
    }

    private void InvalidateLocal(string key)
    {
        if (key.StartsWith(CacheKeys.LicensePrefix, StringComparison.Ordinal))
        {
            licenses.InvalidateLocal(key);
        }
        else
        {
            vehicles.InvalidateLocal(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not invalidate {Count} key(s) in Redis; replicas will catch up through the change feed.")]
    private static partial void LogRedisInvalidationFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to invalidations yet; will retry.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception error);
}
