using ELicense.Server.Verification.Replay;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>The replay keys: one hash tag per bucket, so every script's keys share a slot on a Redis Cluster.</summary>
public sealed class ReplayKeysTests
{
    [Fact]
    public void Shared_EveryKeyOfABucket_CarriesTheSameSingleHashTag()
    {
        var keys = ReplayKeys.Shared("el:v1:", 7, ReplayKeys.Claim("el:v1:", 7, "00ff"));

        Assert.All(keys, k => Assert.Equal("{b07}", HashTag(k!)));
        Assert.Equal(5, keys.Select(k => (string?)k).Distinct().Count());
        Assert.Equal("{b07}", HashTag(ReplayKeys.Probe("el:v1:", 7)!));
        Assert.Equal("{b07}", HashTag(ReplayKeys.Beats("el:v1:", 7)!));
    }

    [Fact]
    public void BucketOf_TokenIds_SpreadOverEveryBucket()
    {
        var buckets = Enumerable.Range(0, 4096).Select(i => ReplayKeys.BucketOf((UInt128)i * 0x9E3779B97F4A7C15UL)).ToHashSet();

        Assert.Equal(ReplayKeys.Count, buckets.Count);
        Assert.All(buckets, b => Assert.InRange(b, 0, ReplayKeys.Count - 1));
    }

    [Fact]
    public void Legacy_RetiredEpoch_HashesLikeThePreviousBuildsUntaggedEpoch()
    {
        var (epoch, retired, beats, marks) = ReplayKeys.Legacy("el:v1:");

        Assert.Equal("el:v1:rp:epoch", (string?)epoch);
        Assert.Equal("el:v1:rp:replicas", (string?)beats);
        Assert.Equal("el:v1:rp:incomplete", (string?)marks);
        Assert.Equal("{el:v1:rp:epoch}", HashTag(retired!)); // an untagged key hashes whole: the same slot
    }

    // The text Redis Cluster hashes: from the first '{' to the next '}' (when not empty).
    private static string HashTag(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        Assert.True(close > open + 1, key);
        Assert.Equal(open, key.LastIndexOf('{'));
        return key[open..(close + 1)];
    }
}
