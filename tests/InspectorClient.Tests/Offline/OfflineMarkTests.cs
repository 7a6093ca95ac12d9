using ELicense.Core.Rules;
using ELicense.Inspector.Offline;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Inspector.Tests.Offline;

public sealed class OfflineMarkTests
{
    private static readonly DateTimeOffset Issued = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static VehicleCheck Verify(TestIssuer issuer, string payload, DateTimeOffset at, CachedIssuerKeys? keys = null)
    {
        using var verifier = new OfflineVerifier(keys ?? issuer.Keys(Issued), new FakeTimeProvider(at));
        return verifier.VerifyMark(payload);
    }

    [Fact]
    public void VerifyMark_Genuine_IsValidWithTheSignedMark()
    {
        using var issuer = new TestIssuer();
        var claims = TestIssuer.MarkClaims(Issued);

        var check = Verify(issuer, issuer.IssueMark(claims), Issued.AddDays(30));

        Assert.Equal(VehicleVerdict.Valid, check.Verdict);
        Assert.Equal("K33", check.Mark.Mark.VehicleType);
        Assert.Equal("京A12345", check.Mark.Mark.Plate.Number);
        Assert.Equal(claims.Mark.MarkNumber, check.Mark.Mark.MarkNumber);
        Assert.Equal(issuer.KeyIdHex, check.Mark.KeyId);
        Assert.Null(check.Vehicle);
        Assert.Contains("offline", check.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]   // the signature
    [InlineData(-70)]  // the signed claims
    public void VerifyMark_ByteFlipped_IsSignatureInvalid(int index)
    {
        using var issuer = new TestIssuer();

        var check = Verify(issuer, TestIssuer.FlipMark(issuer.IssueMark(TestIssuer.MarkClaims(Issued)), index), Issued.AddDays(1));

        Assert.Equal(VehicleVerdict.SignatureInvalid, check.Verdict);
        Assert.Null(check.Mark);
    }

    [Fact]
    public void VerifyMark_InspectionPeriodOver_IsMarkExpired()
    {
        using var issuer = new TestIssuer();
        var payload = issuer.IssueMark(TestIssuer.MarkClaims(Issued, validUntil: new DateOnly(2025, 3, 10)));

        var check = Verify(issuer, payload, new DateTimeOffset(2025, 3, 20, 0, 0, 0, TimeSpan.Zero), issuer.Keys(Issued));

        Assert.Equal(VehicleVerdict.MarkExpired, check.Verdict);
        Assert.NotNull(check.Mark); // the signature verified: the claims are shown, the verdict is not a pass
    }

    [Fact]
    public void VerifyMark_KeyNotCached_IsUnknownKey()
    {
        using var issuer = new TestIssuer();
        using var other = new TestIssuer();

        var check = Verify(issuer, other.IssueMark(TestIssuer.MarkClaims(Issued)), Issued.AddDays(1));

        Assert.Equal(VehicleVerdict.UnknownKey, check.Verdict);
    }

    [Fact]
    public void VerifyMark_CacheHasNoMarkPolicy_ConfirmsNothing()
    {
        using var issuer = new TestIssuer();
        // A cache fetched from a server from before marks: the licence policy only.
        var keys = issuer.Keys(Issued) with { Policies = [TestIssuer.Policy()] };

        using var verifier = new OfflineVerifier(keys, new FakeTimeProvider(Issued.AddDays(1)));
        var check = verifier.VerifyMark(issuer.IssueMark(TestIssuer.MarkClaims(Issued)), out var notChecked);

        Assert.Equal(VehicleVerdict.StatusUnavailable, check.Verdict);
        Assert.Equal(NotCheckedOffline.NoUsablePolicy, notChecked);
        Assert.Contains("no inspection-mark policy", check.Message, StringComparison.Ordinal);
        Assert.Null(check.Mark);
        // The licence is still checked under its own policy.
        Assert.Equal(Verdict.Valid, verifier.Verify(issuer.Issue(Issued.AddDays(1))).Verdict);
    }

    [Fact]
    public void VerifyMark_LicenceCodeGiven_IsMalformed()
    {
        using var issuer = new TestIssuer();

        var check = Verify(issuer, issuer.Issue(Issued), Issued.AddSeconds(10));

        Assert.Equal(VehicleVerdict.Malformed, check.Verdict);
    }

    [Fact]
    public void Roadside_C1LicenceAndSmallCar_MayDriveFromTheSignedData()
    {
        using var issuer = new TestIssuer();
        using var verifier = new OfflineVerifier(issuer.Keys(Issued), new FakeTimeProvider(Issued.AddSeconds(10)));

        var answer = OfflineRoadside.Combine(verifier.Verify(issuer.Issue(Issued)), verifier.VerifyMark(issuer.IssueMark(TestIssuer.MarkClaims(Issued))),
            VehicleTypeCatalog.Default);

        Assert.True(answer.MayDrive);
        Assert.Equal(EntitlementReason.Entitled, answer.Entitlement.Reason);
        Assert.Equal("C1", answer.Entitlement.LicenseClass);
        Assert.Contains("offline", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Roadside_C1LicenceAndHeavyTruck_MayNotDriveNeedsB2()
    {
        using var issuer = new TestIssuer();
        using var verifier = new OfflineVerifier(issuer.Keys(Issued), new FakeTimeProvider(Issued.AddSeconds(10)));

        var answer = OfflineRoadside.Combine(verifier.Verify(issuer.Issue(Issued)),
            verifier.VerifyMark(issuer.IssueMark(TestIssuer.MarkClaims(Issued, vehicleType: "H11"))), VehicleTypeCatalog.Default);

        Assert.False(answer.MayDrive);
        Assert.Equal(EntitlementReason.ClassDoesNotCoverVehicle, answer.Entitlement.Reason);
        Assert.Equal(["B2"], answer.Entitlement.RequiredClasses);
    }

    [Fact]
    public void Roadside_ForgedLicence_MatchNotDetermined()
    {
        using var issuer = new TestIssuer();
        using var verifier = new OfflineVerifier(issuer.Keys(Issued), new FakeTimeProvider(Issued.AddSeconds(10)));

        var answer = OfflineRoadside.Combine(verifier.Verify(TestIssuer.Flip(issuer.Issue(Issued), -1)),
            verifier.VerifyMark(issuer.IssueMark(TestIssuer.MarkClaims(Issued))), VehicleTypeCatalog.Default);

        Assert.False(answer.MayDrive);
        Assert.Equal(EntitlementReason.NotDetermined, answer.Entitlement.Reason);
    }
}
