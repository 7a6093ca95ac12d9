using System.Security.Cryptography;
using ELicense.Inspector.Offline;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using GoogleDate = Google.Type.Date;

namespace ELicense.Inspector.Tests.Offline;

public sealed class OfflineVerifierTests
{
    private static readonly DateTimeOffset Issued = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static VerifyCredentialResponse Verify(TestIssuer issuer, string payload, DateTimeOffset at, CachedIssuerKeys? keys = null)
    {
        using var verifier = new OfflineVerifier(keys ?? issuer.Keys(Issued), new FakeTimeProvider(at));
        return verifier.Verify(payload);
    }

    [Fact]
    public void Verify_FreshCredential_IsValidWithSignedSnapshot()
    {
        using var issuer = new TestIssuer();
        var claims = TestIssuer.Claims(Issued);

        var response = Verify(issuer, issuer.Issue(claims), Issued.AddSeconds(10));

        Assert.Equal(Verdict.Valid, response.Verdict);
        Assert.Equal(Convert.ToHexStringLower(claims.TokenId), response.Credential.TokenId);
        Assert.Equal(issuer.KeyIdHex, response.Credential.KeyId);
        Assert.Equal(Samples.LicenseNumber, response.Credential.Snapshot.LicenseNumber);
        Assert.Null(response.License);
    }

    [Theory]
    [InlineData(0, Verdict.Valid)]
    [InlineData(180, Verdict.Valid)]                    // at expiry
    [InlineData(210, Verdict.Valid)]                    // expiry + 30 s skew
    [InlineData(211, Verdict.CredentialExpired)]        // past the skew
    [InlineData(-30, Verdict.Valid)]                    // handheld clock 30 s behind the issuer
    [InlineData(-31, Verdict.CredentialNotYetValid)]
    public void Verify_TimeWindowEdges_FollowPublishedSkew(int secondsAfterIssue, Verdict expected)
    {
        using var issuer = new TestIssuer();

        // Keys fetched an hour before: the handheld's clock is ahead of its last fetch, as it always is.
        var response = Verify(issuer, issuer.Issue(Issued), Issued.AddSeconds(secondsAfterIssue), issuer.Keys(Issued.AddHours(-1)));

        Assert.Equal(expected, response.Verdict);
    }

    [Theory]
    [InlineData(-31)]      // beyond the skew: set back
    [InlineData(-86_400)]  // a day back: an expired code would be "fresh" again
    public void Verify_ClockBehindItsOwnKeyFetch_NothingConfirmed(int secondsBeforeFetch)
    {
        using var issuer = new TestIssuer();
        var fetched = Issued.AddMinutes(5);

        // A code issued before the fetch, checked with the clock set back to within its lifetime.
        var response = Verify(issuer, issuer.Issue(Issued), fetched.AddSeconds(secondsBeforeFetch), issuer.Keys(fetched));

        Assert.Equal(Verdict.StatusUnavailable, response.Verdict);
        Assert.Contains("clock", response.Message, StringComparison.Ordinal);
        Assert.Null(response.Credential);
    }

    [Fact]
    public void Verify_ClockWithinSkewBehindKeyFetch_StillChecked()
    {
        using var issuer = new TestIssuer();

        var response = Verify(issuer, issuer.Issue(Issued), Issued.AddSeconds(10), issuer.Keys(Issued.AddSeconds(40)));

        Assert.Equal(Verdict.Valid, response.Verdict);
    }

    [Fact]
    public void Verify_SignatureByteFlipped_IsSignatureInvalid()
    {
        using var issuer = new TestIssuer();

        var response = Verify(issuer, TestIssuer.Flip(issuer.Issue(Issued), -5), Issued);

        Assert.Equal(Verdict.SignatureInvalid, response.Verdict);
        Assert.Null(response.Credential);
    }

    [Fact]
    public void Verify_HighSTwinOfAValidCredential_IsSignatureInvalid()
    {
        using var issuer = new TestIssuer();
        var payload = issuer.Issue(Issued);
        var twin = TestIssuer.HighSTwin(payload);

        // The twin is a valid ECDSA signature of the same message, so only the low-S rule can refuse it.
        var cose = System.Security.Cryptography.Cose.CoseMessage.DecodeSign1(TestIssuer.Decode(twin));
        Assert.True(cose.VerifyEmbedded(issuer.Key));
        Assert.Equal(Verdict.Valid, Verify(issuer, payload, Issued.AddSeconds(10)).Verdict);
        var response = Verify(issuer, twin, Issued.AddSeconds(10));
        Assert.Equal(Verdict.SignatureInvalid, response.Verdict);
        Assert.Contains("low-S", response.Message, StringComparison.Ordinal);
        Assert.Null(response.Credential);
    }

    [Fact]
    public void Verify_AnySingleByteChanged_NeverValid()
    {
        using var issuer = new TestIssuer();
        var payload = issuer.Issue(Issued);
        var length = TestIssuer.Decode(payload).Length;

        for (var i = 0; i < length; i++)
        {
            Assert.NotEqual(Verdict.Valid, Verify(issuer, TestIssuer.Flip(payload, i), Issued).Verdict);
        }
    }

    [Fact]
    public void Verify_SignedByAnotherKeyUnderOurKeyId_IsSignatureInvalid()
    {
        using var issuer = new TestIssuer();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var response = Verify(issuer, issuer.Issue(TestIssuer.Claims(Issued), signer: other), Issued);

        Assert.Equal(Verdict.SignatureInvalid, response.Verdict);
    }

    [Fact]
    public void Verify_Es384_IsRejectedByAllowList()
    {
        using var issuer = new TestIssuer();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var response = Verify(issuer, issuer.Issue(TestIssuer.Claims(Issued), HashAlgorithmName.SHA384, p384), Issued);

        Assert.Equal(Verdict.SignatureInvalid, response.Verdict);
        Assert.Contains("only ES256", response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-35)]   // ES384
    [InlineData(-8)]    // EdDSA
    [InlineData(0)]
    public void Verify_OtherAlgorithmHeader_IsSignatureInvalid(int algorithm)
    {
        using var issuer = new TestIssuer();

        var response = Verify(issuer, issuer.RawWithAlgorithm(algorithm, TestIssuer.Claims(Issued).Encode()), Issued);

        Assert.Equal(Verdict.SignatureInvalid, response.Verdict);
    }

    [Fact]
    public void Verify_KeyNotCached_IsUnknownKey()
    {
        using var issuer = new TestIssuer();
        using var stranger = new TestIssuer();

        var response = Verify(issuer, stranger.Issue(Issued), Issued);

        Assert.Equal(Verdict.UnknownKey, response.Verdict);
    }

    [Fact]
    public void Verify_RetiredKey_IsUnknownKey()
    {
        using var issuer = new TestIssuer();
        var keys = issuer.Keys(Issued, notAfter: Issued.AddHours(-1));

        var response = Verify(issuer, issuer.Issue(Issued), Issued, keys);

        Assert.Equal(Verdict.UnknownKey, response.Verdict);
    }

    [Fact]
    public void Verify_UntaggedEncoding_IsMalformed()
    {
        using var issuer = new TestIssuer();

        var response = Verify(issuer, TestIssuer.Untagged(issuer.Issue(Issued)), Issued);

        Assert.Equal(Verdict.Malformed, response.Verdict);
        Assert.Contains("canonical", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OtherIssuer_IsMalformed()
    {
        using var issuer = new TestIssuer();

        var response = Verify(issuer, issuer.Issue(TestIssuer.Claims(Issued, issuer: "someone-else")), Issued);

        Assert.Equal(Verdict.Malformed, response.Verdict);
    }

    [Fact]
    public void Verify_LifetimeAboveServerDefault_IsMalformed()
    {
        using var issuer = new TestIssuer();

        var response = Verify(issuer, issuer.Issue(TestIssuer.Claims(Issued, TimeSpan.FromMinutes(11))), Issued);

        Assert.Equal(Verdict.Malformed, response.Verdict);
    }

    [Fact]
    public void Verify_SnapshotRevoked_IsLicenseNotValidWithStatusReason()
    {
        using var issuer = new TestIssuer();

        var response = Verify(issuer, issuer.Issue(TestIssuer.Claims(Issued, snapshot: TestIssuer.Snapshot(LicenseStatus.Revoked))), Issued);

        Assert.Equal(Verdict.LicenseNotValid, response.Verdict);
        Assert.Equal([NotValidReason.Status], response.NotValidReasons);
    }

    [Fact]
    public void Verify_SnapshotValidityEnded_IsLicenseNotValid()
    {
        using var issuer = new TestIssuer();
        var snapshot = TestIssuer.Snapshot(validUntil: new GoogleDate { Year = 2025, Month = 2, Day = 28 });

        var response = Verify(issuer, issuer.Issue(TestIssuer.Claims(Issued, snapshot: snapshot)), Issued);

        Assert.Equal(Verdict.LicenseNotValid, response.Verdict);
        Assert.Contains(NotValidReason.ValidityExpired, response.NotValidReasons);
    }

    [Theory]
    [InlineData("")]
    [InlineData("EDL2:ABC")]
    [InlineData("EDL1:")]
    [InlineData("EDL1:A")]
    [InlineData("EDL1:!!!")]
    [InlineData("EDL1:0000")]
    public void Verify_Garbage_IsMalformedNeverThrows(string payload)
    {
        using var issuer = new TestIssuer();

        Assert.Equal(Verdict.Malformed, Verify(issuer, payload, Issued).Verdict);
    }

    [Fact]
    public void Verify_OversizedPayload_IsMalformed()
    {
        using var issuer = new TestIssuer();

        Assert.Equal(Verdict.Malformed, Verify(issuer, "EDL1:" + new string('A', 3000), Issued).Verdict);
    }

    [Fact]
    public void Verify_CacheWithoutPolicy_NothingConfirmedAndAsksToFetchKeys()
    {
        using var issuer = new TestIssuer();
        var olderCache = issuer.Keys(Issued) with { Policies = null };

        var response = Verify(issuer, issuer.Issue(Issued), Issued.AddSeconds(10), olderCache);

        Assert.Equal(Verdict.StatusUnavailable, response.Verdict);
        Assert.Contains("no credential policy", response.Message, StringComparison.Ordinal);
        Assert.Contains("Fetch the issuer keys again while online", response.Message, StringComparison.Ordinal);
        Assert.Null(response.Credential);
    }

    [Fact]
    public void Verify_PublishedPolicyOutOfBounds_NothingConfirmed()
    {
        using var issuer = new TestIssuer();
        var keys = issuer.Keys(Issued) with { Policies = [TestIssuer.Policy(maxLifetimeSeconds: 0)] };

        var response = Verify(issuer, issuer.Issue(Issued), Issued.AddSeconds(10), keys);

        Assert.Equal(Verdict.StatusUnavailable, response.Verdict);
        Assert.Contains("maximum lifetime", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PublishedLongerLifetime_FollowsTheServer()
    {
        using var issuer = new TestIssuer();
        var payload = issuer.Issue(TestIssuer.Claims(Issued, lifetime: TimeSpan.FromMinutes(20)));
        var longer = issuer.Keys(Issued) with { Policies = [TestIssuer.Policy(maxLifetimeSeconds: 1800)] };

        Assert.Equal(Verdict.Valid, Verify(issuer, payload, Issued.AddSeconds(10), longer).Verdict);
        Assert.Equal(Verdict.Malformed, Verify(issuer, payload, Issued.AddSeconds(10)).Verdict); // the default server's 10 minutes
    }

    [Fact]
    public void Verify_PublishedShorterPayloadLimit_IsMalformed()
    {
        using var issuer = new TestIssuer();
        var keys = issuer.Keys(Issued) with { Policies = [TestIssuer.Policy(maxPayloadLength: 64)] };

        var response = Verify(issuer, issuer.Issue(Issued), Issued.AddSeconds(10), keys);

        Assert.Equal(Verdict.Malformed, response.Verdict);
        Assert.Contains("longer than 64 characters", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PublishedOtherPrefix_IsMalformed()
    {
        using var issuer = new TestIssuer();
        var keys = issuer.Keys(Issued) with { Policies = [TestIssuer.Policy(prefix: "EDL9:")] };

        var response = Verify(issuer, issuer.Issue(Issued), Issued.AddSeconds(10), keys);

        Assert.Equal(Verdict.Malformed, response.Verdict);
        Assert.Contains("does not start with EDL9:", response.Message, StringComparison.Ordinal);
    }
}
