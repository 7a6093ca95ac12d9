using ELicense.Inspector.Offline;
using ELicense.V1;

namespace ELicense.Inspector.Tests.Offline;

public sealed class SyncRulesTests
{
    private static QueuedCheck Queued(Verdict offline) =>
        new("q1", "EDL1:…", "hh-1", Samples.Now, offline, "ab12", Samples.LicenseNumber, Samples.Now.AddMinutes(3));

    private static VerifyCredentialResponse Live(Verdict verdict) => new() { Verdict = verdict };

    [Theory]
    [InlineData(Verdict.Valid, Verdict.Valid, SyncOutcome.Confirmed)]
    [InlineData(Verdict.Valid, Verdict.LicenseNotValid, SyncOutcome.Differs)]   // revoked since
    [InlineData(Verdict.Valid, Verdict.LicenseNotFound, SyncOutcome.Differs)]
    [InlineData(Verdict.Valid, Verdict.Replayed, SyncOutcome.Differs)]          // shown on another device first
    [InlineData(Verdict.Valid, Verdict.StatusUnavailable, SyncOutcome.Unresolved)]
    [InlineData(Verdict.LicenseNotValid, Verdict.LicenseNotValid, SyncOutcome.Confirmed)]
    [InlineData(Verdict.LicenseNotValid, Verdict.Valid, SyncOutcome.Differs)]   // reinstated
    [InlineData(Verdict.UnknownKey, Verdict.Valid, SyncOutcome.Differs)]        // a key the cache did not have
    [InlineData(Verdict.UnknownKey, Verdict.UnknownKey, SyncOutcome.Confirmed)]
    public void Compare_LiveVerdict_ComparesTheDecision(Verdict offline, Verdict live, SyncOutcome expected)
    {
        var result = SyncRules.Compare(Queued(offline), Live(live), lookup: null);

        Assert.Equal(expected, result.Outcome);
    }

    [Theory]
    [InlineData(true, SyncOutcome.Confirmed)]
    [InlineData(false, SyncOutcome.Differs)]
    public void Compare_ExpiredByNow_DecidesOnTheLiveLicence(bool validNow, SyncOutcome expected)
    {
        var lookup = new GetLicenseResponse { ValidNow = validNow, License = Samples.License(validNow ? LicenseStatus.Normal : LicenseStatus.Revoked) };

        var result = SyncRules.Compare(Queued(Verdict.Valid), Live(Verdict.CredentialExpired), lookup);

        Assert.True(SyncRules.NeedsLookup(Live(Verdict.CredentialExpired)));
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(validNow, result.LiveAccept);
    }

    [Fact]
    public void Compare_ExpiredAndLicenceGone_Differs()
    {
        var result = SyncRules.Compare(Queued(Verdict.Valid), Live(Verdict.CredentialExpired), lookup: null, licenceNotFound: true);

        Assert.Equal(SyncOutcome.Differs, result.Outcome);
    }

    [Fact]
    public void Compare_ExpiredWithoutLookup_StaysUnresolved()
    {
        var result = SyncRules.Compare(Queued(Verdict.Valid), Live(Verdict.CredentialExpired), lookup: null);

        Assert.Equal(SyncOutcome.Unresolved, result.Outcome);
    }
}
