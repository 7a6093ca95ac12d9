using ELicense.Server.Caching;
using StackExchange.Redis;
using Xunit;

namespace ELicense.Server.Tests.Caching;

/// <summary>When the invalidation channel is sharded (SPUBLISH/SSUBSCRIBE) and when it stays literal.</summary>
public class InvalidationChannelTests
{
    private static readonly Version Seven = new(7, 0, 15);
    private static readonly Version Six = new(6, 2, 14);

    [Fact]
    public void Choose_NoServerReached_Unknown() => Assert.Equal(InvalidationChannelKind.Unknown, InvalidationChannel.Choose([]));

    [Fact]
    public void Choose_SingleRedisSeven_StaysLiteralAsBefore() =>
        Assert.Equal(InvalidationChannelKind.Literal, InvalidationChannel.Choose([(ServerType.Standalone, Seven)]));

    [Fact]
    public void Choose_ClusterOfSeven_Sharded() =>
        Assert.Equal(InvalidationChannelKind.Sharded, InvalidationChannel.Choose([(ServerType.Cluster, Seven), (ServerType.Cluster, Seven)]));

    [Fact]
    public void Choose_ClusterWithANodeOlderThanSeven_Literal() =>
        Assert.Equal(InvalidationChannelKind.Literal, InvalidationChannel.Choose([(ServerType.Cluster, Seven), (ServerType.Cluster, Six)]));

    [Fact]
    public void For_Kinds_ShardedOnlyForSharded()
    {
        Assert.True(InvalidationChannel.For(InvalidationChannelKind.Sharded, "el:v1:").IsSharded);
        Assert.False(InvalidationChannel.For(InvalidationChannelKind.Literal, "el:v1:").IsSharded);
        Assert.Equal("el:v1:invalidate", InvalidationChannel.For(InvalidationChannelKind.Sharded, "el:v1:").ToString());
    }
}
