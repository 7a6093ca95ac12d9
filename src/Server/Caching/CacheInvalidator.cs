using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>
/// Removes changed records from every level: this replica's memory, Redis, and — through Redis
/// pub/sub — every other replica's memory. The subscription side is in CacheInvalidator.Subscription.cs.
/// </summary>
public sealed partial class CacheInvalidator(
    RedisConnection redis,
    InvalidationChannel channel,
    CacheKeys cacheKeys,
    TwoLevelCache<LicenseEntry> licenses,
    TwoLevelCache<VehicleEntry> vehicles,
    ChangeTracker tracker,
    InvalidationState state,
    ResiliencePipelineProvider<string> pipelines,
    ILogger<CacheInvalidator> logger)
{
    private readonly ResiliencePipeline _redisPipeline = pipelines.GetPipeline(ResilienceExtensions.Redis);

    /// <summary>What <see cref="InvalidationHeartbeat"/> publishes: no '|' in it, so no invalidation parser (this version's or an older one's) reads it as a key.</summary>
    internal static readonly RedisValue Heartbeat = "heartbeat";

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
            // One DEL per hash slot (one in all on a single Redis): a cluster refuses a DEL across slots.
            var batches = SlotBatches.Group(keys.Select(k => new RedisKey(redis.KeyPrefix + k)).ToArray(), multiplexer.GetHashSlot);
            var database = multiplexer.GetDatabase();
            await _redisPipeline.ExecuteAsync(
                static async (s, ct) => await Task.WhenAll(s.batches.Select(b => s.database.KeyDeleteAsync(b))).WaitAsync(ct),
                (database, batches), CancellationToken.None);
            if (publish && channel.Resolve(multiplexer) is { } target)
            {
                // "key|sequence" per line (the hashed key, never the number): receivers refuse anything read before that sequence.
                var message = string.Join('\n', changes.Select(c => $"{cacheKeys.For(c)}|{c.Sequence}"));
                await _redisPipeline.ExecuteAsync(
                    static async (s, ct) => await s.subscriber.PublishAsync(s.target, s.message).WaitAsync(ct),
                    (subscriber: multiplexer.GetSubscriber(), target, message), CancellationToken.None);
            }
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e))
        {
            // The change feed still reaches every replica within its poll interval, and Redis entries
            // are deleted again by each replica's follower.
            LogRedisInvalidationFailed(logger, keys.Length, e);
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
}
