using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.Core.Credentials;
using ELicense.Server.Credentials;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// The inspection mark under the licence credential's attack set: the same decoder, so every forgery the
/// licence tests refuse must be refused for a mark too, under the mark's prefix, claims and policy.
/// </summary>
public sealed partial class MarkVerifierTests
{
    private const string Prefix = CredentialPolicy.MarkPrefix;

    [Fact]
    public void Verify_FreshMark_IsGenuineWithTheSignedVehicleData()
    {
        using var kit = new CredentialTestKit();
        var claims = kit.MarkClaims();

        var check = kit.MarkVerifier.Verify(kit.IssueMark(claims));

        Assert.Equal(CredentialStatus.Genuine, check.Status);
        Assert.Equal(claims.Mark, check.Claims!.Mark);
        Assert.Equal(claims.TokenId, check.Claims.TokenId);
        Assert.Equal((claims.Issuer, claims.IssuedAt, claims.ExpiresAt), (check.Claims.Issuer, check.Claims.IssuedAt, check.Claims.ExpiresAt));
        Assert.Equal("LSVAM4187C2*****7", check.Claims.Mark.MaskedVin);
        Assert.Same(kit.SigningKey, check.Key);
    }

    [Fact]
    public void Verify_AnySingleByteChanged_NeverGenuine()
    {
        using var kit = new CredentialTestKit();
        var cose = CoseForge.DecodeCose(kit.IssueMark(), Prefix);

        for (var i = 0; i < cose.Length; i++)
        {
            var tampered = (byte[])cose.Clone();
            tampered[i] ^= 0x01;
            Assert.NotEqual(CredentialStatus.Genuine, kit.MarkVerifier.Verify(CoseForge.Encode(tampered, Prefix)).Status);
        }
    }

    [Fact]
    public void Verify_HighSTwinOfAnIssuedMark_IsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();
        var issued = kit.IssueMark();
        var twin = CoseForge.HighSTwin(issued, Prefix);

        var check = kit.MarkVerifier.Verify(twin);

        Assert.True(CoseMessage.DecodeSign1(CoseForge.DecodeCose(twin, Prefix)).VerifyEmbedded(kit.SigningKey.Verifier)); // a real signature...
        Assert.Equal(CredentialStatus.SignatureInvalid, check.Status);                                                     // ...refused
        Assert.Contains("low-S", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignedByAnotherKeyWithOurKeyId_IsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var forged = CoseForge.Sign(forger, HashAlgorithmName.SHA256, kit.SigningKey.KeyId, kit.MarkClaims().Encode(), Prefix);

        Assert.Equal(CredentialStatus.SignatureInvalid, kit.MarkVerifier.Verify(forged).Status);
    }

    [Fact]
    public void Verify_Es384SignedByOurKey_IsRejectedByTheAllowList()
    {
        using var kit = new CredentialTestKit();

        var check = kit.MarkVerifier.Verify(CoseForge.Sign(kit.SigningKey.Signer, HashAlgorithmName.SHA384, kit.SigningKey.KeyId, kit.MarkClaims().Encode(), Prefix));

        Assert.Equal(CredentialStatus.SignatureInvalid, check.Status);
        Assert.Contains("algorithm", check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)] // no alg at all ("none")
    [InlineData(5)]    // HMAC 256/256
    [InlineData(-8)]   // EdDSA
    [InlineData(-35)]  // ES384
    [InlineData(-36)]  // ES512
    [InlineData(-37)]  // PS256
    [InlineData(7)]    // ES256's id with the sign flipped
    public void Verify_OtherAlgorithmId_IsSignatureInvalid(int? algorithm)
    {
        using var kit = new CredentialTestKit();

        var payload = CoseForge.RawSign1(algorithm, kit.SigningKey.KeyId, kit.MarkClaims().Encode(), new byte[64], Prefix);

        Assert.Equal(CredentialStatus.SignatureInvalid, kit.MarkVerifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_TextAlgorithmNone_IsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();

        var payload = CoseForge.RawSign1Protected(CoseForge.AlgorithmNoneHeader(kit.SigningKey.KeyId), kit.MarkClaims().Encode(), [], Prefix);

        Assert.Equal(CredentialStatus.SignatureInvalid, kit.MarkVerifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_AlgorithmOnlyInTheUnprotectedHeader_IsMalformedThoughTheSignatureIsReal()
    {
        using var kit = new CredentialTestKit();
        // A signature made honestly over a protected header holding only the kid, with ES256 named in the
        // unsigned header: the allow-list must not be satisfied by a value nobody signed.
        var cose = CoseForge.SignWithUnprotectedAlgorithm(kit.SigningKey.Signer, kit.SigningKey.KeyId, kit.MarkClaims().Encode());
        var message = CoseMessage.DecodeSign1(cose);
        Assert.Single(message.UnprotectedHeaders);

        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(CoseForge.Encode(cose, Prefix)).Status);
    }

    [Fact]
    public void Verify_UnknownKeyId_IsUnknownKey()
    {
        using var kit = new CredentialTestKit();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var forged = CoseForge.Sign(other, HashAlgorithmName.SHA256, [1, 2, 3, 4, 5, 6, 7, 8], kit.MarkClaims().Encode(), Prefix);

        Assert.Equal(CredentialStatus.UnknownKey, kit.MarkVerifier.Verify(forged).Status);
    }

    [Fact]
    public void Verify_RetiredKey_IsUnknownKey()
    {
        using var retiredEcdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var retired = RingKey.FromPrivateKey(retiredEcdsa, notAfter: CredentialTestKit.Start.AddDays(-1));
        using var kit = new CredentialTestKit(retired);

        var mark = CoseForge.Sign(retired.Signer, HashAlgorithmName.SHA256, retired.KeyId, kit.MarkClaims().Encode(), Prefix);

        Assert.Equal(CredentialStatus.UnknownKey, kit.MarkVerifier.Verify(mark).Status);
    }

    [Theory]
    [InlineData(-31, CredentialStatus.NotYetValid)] // more than the skew before issue
    [InlineData(-30, CredentialStatus.Genuine)]     // verifier 30 s behind the issuer
    [InlineData(0, CredentialStatus.Genuine)]
    public void Verify_AroundIssueTime_FollowsThirtySecondSkew(int secondsFromIssue, CredentialStatus expected)
    {
        using var kit = new CredentialTestKit();
        var claims = kit.MarkClaims();

        Assert.Equal(expected, VerifyAt(kit, kit.IssueMark(claims), claims.IssuedAt.AddSeconds(secondsFromIssue)).Status);
    }

    [Theory]
    [InlineData(0, CredentialStatus.Genuine)]   // 2027-07-01 00:00 China time, the day after the last valid day
    [InlineData(30, CredentialStatus.Genuine)]  // expiry + 30 s skew: still accepted
    [InlineData(31, CredentialStatus.Expired)]  // one second past the skew
    [InlineData(-1, CredentialStatus.Genuine)]  // the last second of the last valid day
    public void Verify_AroundExpiry_FollowsThirtySecondSkew(int secondsFromExpiry, CredentialStatus expected)
    {
        using var kit = new CredentialTestKit();
        var claims = kit.MarkClaims();
        Assert.Equal(new DateTimeOffset(2027, 7, 1, 0, 0, 0, TimeSpan.FromHours(8)), claims.ExpiresAt);

        var check = VerifyAt(kit, kit.IssueMark(claims), claims.ExpiresAt.AddSeconds(secondsFromExpiry));

        Assert.Equal(expected, check.Status);
        Assert.NotNull(check.Claims); // an expired mark still says which vehicle it was for
    }

    [Fact]
    public void Verify_OtherIssuer_IsMalformed()
    {
        using var kit = new CredentialTestKit();

        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(kit.IssueMark(kit.MarkClaims() with { Issuer = "someone-else" })).Status);
    }

    [Theory]
    [InlineData(823 * 86400, CredentialStatus.Genuine)]       // the default mark lifetime exactly
    [InlineData(823 * 86400 + 1, CredentialStatus.Malformed)] // a second over
    [InlineData(0, CredentialStatus.Malformed)]               // empty
    [InlineData(-1, CredentialStatus.Malformed)]              // expiring before its issue
    public void Verify_Lifetime_IsBoundedByTheMarkPolicy(long lifetimeSeconds, CredentialStatus expected)
    {
        using var kit = new CredentialTestKit();
        var claims = kit.MarkClaims();

        var mark = kit.IssueMark(claims with { ExpiresAt = claims.IssuedAt.AddSeconds(lifetimeSeconds) });

        Assert.Equal(expected, kit.MarkVerifier.Verify(mark).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("EVM1:")]
    [InlineData("EVM1:A")]
    [InlineData("EVM1:not base45 at all!")]
    [InlineData("evm1:6BFOXN*TS0BI$ZD")]
    [InlineData("EVM2:6BFOXN*TS0BI$ZD")]
    [InlineData("EVM1:6BFOXN*TS0BI$ZD")] // valid Base45, not COSE
    public void Verify_GarbagePayloads_IsMalformed(string payload)
    {
        using var kit = new CredentialTestKit();

        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_TruncatedMarks_NeverGenuine()
    {
        using var kit = new CredentialTestKit();
        CoseForge.AssertNoTruncationGenuine(kit.IssueMark(), payload => kit.MarkVerifier.Verify(payload).Status);
    }

    private static CredentialCheck<InspectionMarkClaims> VerifyAt(CredentialTestKit kit, string payload, DateTimeOffset now) =>
        new MarkVerifier(kit.Ring, kit.Options, new FakeTimeProvider(now)).Verify(payload);
}
