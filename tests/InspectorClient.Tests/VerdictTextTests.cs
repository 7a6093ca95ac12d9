using ELicense.Inspector.Rendering;
using ELicense.V1;

namespace ELicense.Inspector.Tests;

public sealed class VerdictTextTests
{
    [Fact]
    public void Describe_EveryVerdictButUnspecified_HasOwnWords()
    {
        var words = Enum.GetValues<Verdict>().Where(v => v != Verdict.Unspecified).Select(v => VerdictText.Describe(v)).ToList();
        Assert.DoesNotContain("unknown verdict", words);
        Assert.Equal(words.Count, words.Distinct().Count());
    }

    [Fact]
    public void Describe_EveryTransferBlockReason_HasWordsAndCode()
    {
        foreach (var reason in Enum.GetValues<TransferBlockReason>().Where(r => r != TransferBlockReason.Unspecified))
        {
            Assert.NotEqual("unspecified reason", VerdictText.Describe(reason));
            Assert.NotEqual("UNSPECIFIED", VerdictText.Code(reason));
        }
    }

    [Fact]
    public void Describe_Replayed_SaysAnotherDevice()
    {
        Assert.Contains("another device", VerdictText.Describe(Verdict.Replayed), StringComparison.Ordinal);
    }

    [Fact]
    public void NotValidReasons_Valid_IsEmpty()
    {
        Assert.Empty(VerdictText.NotValidReasons(Samples.Verify(Verdict.Valid)));
    }

    [Fact]
    public void NotValidReasons_StatusRevoked_NamesRevoked()
    {
        var response = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.Revoked));
        response.NotValidReasons.Add(NotValidReason.Status);

        var reasons = VerdictText.NotValidReasons(response);

        Assert.Equal(["licence revoked (F)"], reasons);
    }

    [Fact]
    public void NotValidReasons_SeveralReasons_ListsEachOnce()
    {
        var response = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.PointsExceeded, 12));
        response.NotValidReasons.Add([NotValidReason.Status, NotValidReason.PointsExceeded, NotValidReason.ValidityExpired, NotValidReason.Status]);

        var reasons = VerdictText.NotValidReasons(response);

        Assert.Equal(["licence points exceeded (B)", "12 or more points in the current cycle", "validity period has ended"], reasons);
    }

    [Fact]
    public void NotValidReasons_NotValidWithoutReasons_FallsBackToStatus()
    {
        var response = Samples.Verify(Verdict.LicenseNotValid, Samples.License(LicenseStatus.Suspended));

        Assert.Equal(["licence suspended (D)"], VerdictText.NotValidReasons(response));
    }

    [Fact]
    public void NotValidReasons_SignatureInvalid_SaysSignature()
    {
        var response = new VerifyCredentialResponse { Verdict = Verdict.SignatureInvalid };

        Assert.Contains("signature invalid", Assert.Single(VerdictText.NotValidReasons(response)), StringComparison.Ordinal);
    }
}
