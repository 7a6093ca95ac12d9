using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>
/// Splits a multi-key command's keys into groups a Redis Cluster accepts: one group per hash slot (a cluster
/// refuses a multi-key command across slots with CROSSSLOT, and StackExchange.Redis refuses it before sending).
/// The cache keys are deliberately not hash-tagged, so that they spread over every shard; so a multi-key
/// delete becomes one DEL per slot, sent together (the multiplexer pipelines them).
/// </summary>
public static class SlotBatches
{
    /// <summary>
    /// The keys grouped by <paramref name="slotOf"/> (the multiplexer's <c>GetHashSlot</c>, which gives every key the
    /// same "no slot" on a single Redis, so there it stays one command, as before), in first-seen order.
    /// </summary>
    public static IReadOnlyList<RedisKey[]> Group(IReadOnlyList<RedisKey> keys, Func<RedisKey, int> slotOf) =>
        keys.Count <= 1 ? (keys.Count == 0 ? [] : [keys.ToArray()]) : keys.GroupBy(slotOf).Select(g => g.ToArray()).ToList();
}
