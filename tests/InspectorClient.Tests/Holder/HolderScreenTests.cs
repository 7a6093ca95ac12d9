using ELicense.Inspector.Holder;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Inspector.Tests.Holder;

public sealed class HolderScreenTests
{
    private static IssueCredentialResponse Issued(TimeSpan lifetime) => new()
    {
        IssueTime = Timestamp.FromDateTimeOffset(Samples.Now),
        ExpireTime = Timestamp.FromDateTimeOffset(Samples.Now + lifetime),
    };

    [Fact]
    public void RefreshAfter_DefaultLifetime_IsTwoThirdsOfIt()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), HolderScreen.RefreshAfter(Issued(TimeSpan.FromMinutes(3))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void RefreshAfter_DegenerateLifetime_NeverLoopsWithoutPause(int seconds)
    {
        Assert.Equal(HolderScreen.MinRefresh, HolderScreen.RefreshAfter(Issued(TimeSpan.FromSeconds(seconds))));
    }
}
