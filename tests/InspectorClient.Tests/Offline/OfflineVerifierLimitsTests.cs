using ELicense.Inspector.Offline;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Inspector.Tests.Offline;

/// <summary>The verifier's scan limits follow the cached policy, and it says why it checked nothing.</summary>
public sealed class OfflineVerifierLimitsTests
{
    private static readonly DateTimeOffset Issued = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Limits_PublishedPolicy_AreThePublishedValues()
    {
        using var issuer = new TestIssuer();
        var keys = issuer.Keys(Issued) with { Policies = [TestIssuer.Policy(prefix: "EDL2:", maxPayloadLength: 4096)] };
        using var verifier = new OfflineVerifier(keys, new FakeTimeProvider(Issued));

        Assert.Equal(new ScanLimits("EDL2:", 4096), verifier.Limits);
    }

    [Theory]
    [InlineData(false)] // a cache written before servers published their policy
    [InlineData(true)]  // a published policy out of bounds
    public void Limits_NoUsablePolicy_AreCoreDefaults(bool outOfBounds)
    {
        using var issuer = new TestIssuer();
        var keys = issuer.Keys(Issued) with { Policies = outOfBounds ? [TestIssuer.Policy(prefix: "EDL2:", maxPayloadLength: 100_000)] : null };
        using var verifier = new OfflineVerifier(keys, new FakeTimeProvider(Issued));

        Assert.Equal(ScanLimits.Default, verifier.Limits);
        Assert.Equal(("EDL1:", 8192), (ScanLimits.Default.Prefix, ScanLimits.Default.MaxPayloadLength));
    }

    [Fact]
    public void Verify_CacheWithoutPolicy_SaysNoUsablePolicy()
    {
        using var issuer = new TestIssuer();
        using var verifier = new OfflineVerifier(issuer.Keys(Issued) with { Policies = null }, new FakeTimeProvider(Issued.AddSeconds(10)));

        var response = verifier.Verify(issuer.Issue(Issued), out var notChecked);

        Assert.Equal((Verdict.StatusUnavailable, NotCheckedOffline.NoUsablePolicy), (response.Verdict, notChecked));
    }

    [Fact]
    public void Verify_ClockSetBack_SaysClockSetBackEvenWithoutPolicy()
    {
        using var issuer = new TestIssuer();
        var fetched = Issued.AddMinutes(5);
        using var verifier = new OfflineVerifier(issuer.Keys(fetched) with { Policies = null }, new FakeTimeProvider(fetched.AddMinutes(-2)));

        var response = verifier.Verify(issuer.Issue(Issued), out var notChecked);

        Assert.Equal((Verdict.StatusUnavailable, NotCheckedOffline.ClockSetBack), (response.Verdict, notChecked));
    }

    [Fact]
    public void Verify_UsablePolicy_SaysChecked()
    {
        using var issuer = new TestIssuer();
        using var verifier = new OfflineVerifier(issuer.Keys(Issued), new FakeTimeProvider(Issued.AddSeconds(10)));

        var response = verifier.Verify(issuer.Issue(Issued), out var notChecked);

        Assert.Equal((Verdict.Valid, NotCheckedOffline.None), (response.Verdict, notChecked));
    }
}
