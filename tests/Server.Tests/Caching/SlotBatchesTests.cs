using ELicense.Server.Caching;
using StackExchange.Redis;
using Xunit;

namespace ELicense.Server.Tests.Caching;

/// <summary>A multi-key delete split into commands a Redis Cluster accepts.</summary>
public class SlotBatchesTests
{
    private static RedisKey[] Keys(params string[] names) => names.Select(n => (RedisKey)n).ToArray();

    [Fact]
    public void Group_SingleRedisNoSlot_IsOneCommandWithEveryKey()
    {
        var batches = SlotBatches.Group(Keys("a", "b", "c"), _ => -1);

        Assert.Equal(["a", "b", "c"], Assert.Single(batches).Select(k => (string)k!));
    }

    [Fact]
    public void Group_KeysOnSeveralSlots_OneCommandPerSlotAndNoKeyLostOrRepeated()
    {
        var slots = new Dictionary<string, int> { ["a"] = 7, ["b"] = 3, ["c"] = 7, ["d"] = 9 };

        var batches = SlotBatches.Group(Keys("a", "b", "c", "d"), k => slots[(string)k!]);

        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.Single(b.Select(k => slots[(string)k!]).Distinct()));
        Assert.Equal(["a", "b", "c", "d"], batches.SelectMany(b => b).Select(k => (string)k!).Order());
    }

    [Fact]
    public void Group_RealClusterSlotsOfCacheKeys_SpreadOverSeveralSlots()
    {
        // The cache keys are not hash-tagged: a batch of changes must not all land on one shard.
        var keys = Enumerable.Range(0, 20).Select(i => (RedisKey)$"el:v1:lic:{i:x8}").ToArray();
        var cluster = SlotBatches.Group(keys, ServerSlot);

        Assert.True(cluster.Count > 10, $"{cluster.Count} slots for 20 keys");
    }

    [Fact]
    public void Group_NoKeys_NoCommand() => Assert.Empty(SlotBatches.Group([], _ => 0));

    /// <summary>Redis Cluster's slot (CRC16/XMODEM mod 16384), as the fixture computes it.</summary>
    private static int ServerSlot(RedisKey key) => ELicense.Testing.RedisClusterSlots.Of((string)key!);
}
