using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.Server.Credentials;
using Xunit;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

public partial class CredentialVerifierTests
{
    [Fact]
    public void Verify_FreshCredential_IsGenuineWithClaims()
    {
        using var kit = new CredentialTestKit();
        var license = CredentialTestKit.SampleLicense();
        var issued = kit.Issuer.Issue(license);

        var check = kit.Verifier.Verify(issued.QrPayload);

        Assert.Equal(CredentialStatus.Genuine, check.Status);
        Assert.NotNull(check.Claims);
        Assert.Equal(license.LicenseNumber, check.Claims.Snapshot.LicenseNumber);
        Assert.Equal(license.HolderName, check.Claims.Snapshot.HolderName);
        Assert.Equal(license.ValidUntilDate, check.Claims.Snapshot.ValidUntilDate);
        Assert.Equal(issued.TokenIdHex, Convert.ToHexStringLower(check.Claims.TokenId));
        Assert.Equal(TimeSpan.FromMinutes(3), check.Claims.ExpiresAt - check.Claims.IssuedAt);
        Assert.StartsWith("EDL1:", issued.QrPayload, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_TypicalLicense_FitsAQuicklyScannedQrCode()
    {
        using var kit = new CredentialTestKit();

        var issued = kit.Issuer.Issue(CredentialTestKit.SampleLicense());

        // A version 10 QR code at level M holds 311 alphanumeric characters; stay around there.
        Assert.True(issued.QrPayload.Length < 400, $"payload is {issued.QrPayload.Length} characters");
    }

    [Fact]
    public void Issue_LongTermLicense_RoundTripsWithoutValidUntil()
    {
        using var kit = new CredentialTestKit();
        var license = CredentialTestKit.SampleLicense();
        license.ValidUntilDate = null;

        var check = kit.Verifier.Verify(kit.Issuer.Issue(license).QrPayload);

        Assert.Equal(CredentialStatus.Genuine, check.Status);
        Assert.Null(check.Claims!.Snapshot.ValidUntilDate);
    }

    [Fact]
    public void Verify_AnySingleByteChanged_NeverGenuine()
    {
        using var kit = new CredentialTestKit();
        var cose = DecodeCose(kit.Issuer.Issue(CredentialTestKit.SampleLicense()).QrPayload);

        for (var i = 0; i < cose.Length; i++)
        {
            var tampered = (byte[])cose.Clone();
            tampered[i] ^= 0x01;
            var check = kit.Verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(tampered));
            Assert.NotEqual(CredentialStatus.Genuine, check.Status);
        }
    }

    [Fact]
    public void Verify_SignatureByteChanged_IsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();
        var cose = DecodeCose(kit.Issuer.Issue(CredentialTestKit.SampleLicense()).QrPayload);
        cose[^5] ^= 0xFF;

        var check = kit.Verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(cose));

        Assert.Equal(CredentialStatus.SignatureInvalid, check.Status);
        Assert.Null(check.Claims);
    }

    [Fact]
    public void Verify_SignedByAnotherKeyWithOurKeyId_IsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var claims = ClaimsFor(kit);
        var forged = Sign(forger, HashAlgorithmName.SHA256, kit.SigningKey.KeyId, claims.Encode());

        Assert.Equal(CredentialStatus.SignatureInvalid, kit.Verifier.Verify(forged).Status);
    }

    [Fact]
    public void Verify_HighSTwinOfAnIssuedCredential_IsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();
        var issued = kit.Issuer.Issue(CredentialTestKit.SampleLicense());
        var cose = DecodeCose(issued.QrPayload);
        EcdsaLowS.Twin(cose.AsSpan(cose.Length - 2 * EcdsaLowS.ScalarLength));
        var twin = CredentialIssuer.Prefix + Base45.Encode(cose);

        var check = kit.Verifier.Verify(twin);

        Assert.Equal(CredentialStatus.Genuine, kit.Verifier.Verify(issued.QrPayload).Status);
        Assert.True(CoseMessage.DecodeSign1(cose).VerifyEmbedded(kit.SigningKey.Verifier)); // a real ECDSA signature...
        Assert.Equal(CredentialStatus.SignatureInvalid, check.Status);                       // ...that is still refused
        Assert.Contains("low-S", check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8", true)]  // n/2: the largest low s
    [InlineData("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a9", false)] // n/2 + 1
    [InlineData("0000000000000000000000000000000000000000000000000000000000000001", true)]
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550", false)] // n - 1
    public void IsLowS_AtTheHalfOrder_SplitsExactly(string sHex, bool low)
    {
        var signature = new byte[64];
        Convert.FromHexString(sHex).CopyTo(signature, 32);

        Assert.Equal(low, EcdsaLowS.IsLowS(signature));
        EcdsaLowS.Twin(signature);
        Assert.Equal(!low, EcdsaLowS.IsLowS(signature)); // n - s lands in the other half
        EcdsaLowS.Twin(signature);
        Assert.Equal(sHex, Convert.ToHexStringLower(signature.AsSpan(32)));
    }

    [Fact]
    public void Verify_Es384Algorithm_IsRejectedBeforeSignatureCheck()
    {
        using var kit = new CredentialTestKit();
        var forged = Sign(kit.SigningKey.Signer, HashAlgorithmName.SHA384, kit.SigningKey.KeyId, ClaimsFor(kit).Encode());

        var check = kit.Verifier.Verify(forged);

        Assert.Equal(CredentialStatus.SignatureInvalid, check.Status);
        Assert.Contains("algorithm", check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]          // no alg at all ("none")
    [InlineData(5)]             // HMAC 256/256
    [InlineData(-8)]            // EdDSA
    public void Verify_HandCraftedAlgorithm_IsSignatureInvalid(int? algorithm)
    {
        using var kit = new CredentialTestKit();
        var payload = RawSign1(algorithm, kit.SigningKey.KeyId, ClaimsFor(kit).Encode(), new byte[64]);

        Assert.Equal(CredentialStatus.SignatureInvalid, kit.Verifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_TextAlgorithmNone_IsSignatureInvalid()
    {
        using var kit = new CredentialTestKit();
        var payload = RawSign1Protected(CoseForge.AlgorithmNoneHeader(kit.SigningKey.KeyId), ClaimsFor(kit).Encode(), []);

        Assert.Equal(CredentialStatus.SignatureInvalid, kit.Verifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_UnknownKeyId_IsUnknownKey()
    {
        using var kit = new CredentialTestKit();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Sign(other, HashAlgorithmName.SHA256, [1, 2, 3, 4, 5, 6, 7, 8], ClaimsFor(kit).Encode());

        Assert.Equal(CredentialStatus.UnknownKey, kit.Verifier.Verify(forged).Status);
    }

    [Fact]
    public void Verify_RetiredKey_IsUnknownKey()
    {
        using var retiredEcdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var retired = RingKey.FromPrivateKey(retiredEcdsa, notAfter: CredentialTestKit.Start.AddDays(-1));
        using var kit = new CredentialTestKit(retired);
        var token = Sign(retired.Signer, HashAlgorithmName.SHA256, retired.KeyId, ClaimsFor(kit).Encode());

        Assert.Equal(CredentialStatus.UnknownKey, kit.Verifier.Verify(token).Status);
    }

    [Fact]
    public void Verify_SecondKeyOfRing_IsGenuine()
    {
        using var nextEcdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var next = RingKey.FromPrivateKey(nextEcdsa);
        using var kit = new CredentialTestKit(next);
        var token = Sign(next.Signer, HashAlgorithmName.SHA256, next.KeyId, ClaimsFor(kit).Encode());

        Assert.Equal(CredentialStatus.Genuine, kit.Verifier.Verify(token).Status);
    }

    [Theory]
    [InlineData(0, CredentialStatus.Genuine)]
    [InlineData(180, CredentialStatus.Genuine)]          // at expiry
    [InlineData(210, CredentialStatus.Genuine)]          // expiry + 30 s skew: still accepted
    [InlineData(211, CredentialStatus.Expired)]          // one second past the skew
    [InlineData(-30, CredentialStatus.Genuine)]          // verifier clock 30 s behind the issuer
    [InlineData(-31, CredentialStatus.NotYetValid)]      // more than the skew behind
    public void Verify_TimeWindowEdges_FollowThirtySecondSkew(int secondsAfterIssue, CredentialStatus expected)
    {
        using var kit = new CredentialTestKit();
        kit.Time.Advance(TimeSpan.FromMinutes(1)); // room to set the verifier's clock before issue time
        var issued = kit.Issuer.Issue(CredentialTestKit.SampleLicense());
        var verifierKit = new CredentialVerifier(kit.Ring, kit.Options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(issued.IssuedAt.AddSeconds(secondsAfterIssue)));

        var status = verifierKit.Verify(issued.QrPayload).Status;

        Assert.Equal(expected, status);
    }

    [Fact]
    public void Verify_LifetimeAboveMaximum_IsMalformedEvenIfSigned()
    {
        using var kit = new CredentialTestKit();
        var now = kit.Time.GetUtcNow();
        var claims = ClaimsFor(kit) with { ExpiresAt = now.AddDays(30) };
        var token = Sign(kit.SigningKey.Signer, HashAlgorithmName.SHA256, kit.SigningKey.KeyId, claims.Encode());

        Assert.Equal(CredentialStatus.Malformed, kit.Verifier.Verify(token).Status);
    }

    [Fact]
    public void Verify_OtherIssuer_IsMalformed()
    {
        using var kit = new CredentialTestKit();
        var claims = ClaimsFor(kit) with { Issuer = "someone-else" };
        var token = Sign(kit.SigningKey.Signer, HashAlgorithmName.SHA256, kit.SigningKey.KeyId, claims.Encode());

        Assert.Equal(CredentialStatus.Malformed, kit.Verifier.Verify(token).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("EDL1:")]
    [InlineData("EDL1:A")]
    [InlineData("EDL1:not base45 at all!")]
    [InlineData("EDL2:6BFOXN*TS0BI$ZD")]
    [InlineData("edl1:6BFOXN*TS0BI$ZD")]
    [InlineData("EDL1:6BFOXN*TS0BI$ZD")] // valid Base45, not COSE
    public void Verify_GarbagePayloads_IsMalformed(string payload)
    {
        using var kit = new CredentialTestKit();

        Assert.Equal(CredentialStatus.Malformed, kit.Verifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_OversizedPayload_IsMalformedWithoutDecoding()
    {
        using var kit = new CredentialTestKit();
        var payload = "EDL1:" + new string('0', 100_000);

        var check = kit.Verifier.Verify(payload);

        Assert.Equal(CredentialStatus.Malformed, check.Status);
        Assert.Contains("longer", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TruncatedPayloads_NeverGenuineNeverThrow()
    {
        using var kit = new CredentialTestKit();
        CoseForge.AssertNoTruncationGenuine(kit.Issuer.Issue(CredentialTestKit.SampleLicense()).QrPayload, payload => kit.Verifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_RandomBytesAsCose_NeverGenuineNeverThrow()
    {
        using var kit = new CredentialTestKit();
        var random = new Random(7);
        var valid = DecodeCose(kit.Issuer.Issue(CredentialTestKit.SampleLicense()).QrPayload);
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            // Mutate a few random bytes, sometimes truncate: mostly-valid structures reach deeper code.
            var first = random.Next(bytes.Length);
            bytes[first] ^= (byte)random.Next(1, 256);
            for (var m = random.Next(0, 3); m > 0; m--)
            {
                bytes[(first + random.Next(1, bytes.Length)) % bytes.Length] ^= (byte)random.Next(1, 256);
            }

            var length = random.Next(4) == 0 ? random.Next(bytes.Length) : bytes.Length;
            var check = kit.Verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(bytes.AsSpan(0, length)));
            Assert.NotEqual(CredentialStatus.Genuine, check.Status);
        }
    }

    [Fact]
    public void Verify_HeaderLabelBeyondInt32_IsMalformedNotException()
    {
        using var kit = new CredentialTestKit();
        var writer = new CborWriter();
        writer.WriteStartMap(1);
        writer.WriteUInt64(ulong.MaxValue); // a label .NET's COSE decoder cannot hold in an int
        writer.WriteInt32(-7);
        writer.WriteEndMap();
        var payload = RawSign1Protected(writer.Encode(), ClaimsFor(kit).Encode(), new byte[64]);

        Assert.Equal(CredentialStatus.Malformed, kit.Verifier.Verify(payload).Status);
    }

    [Fact]
    public void Verify_HeaderBytesMutated_AlwaysAVerdictNeverGenuine()
    {
        using var kit = new CredentialTestKit();
        var valid = DecodeCose(kit.Issuer.Issue(CredentialTestKit.SampleLicense()).QrPayload);
        var random = new Random(11);
        // The first ~20 bytes hold the tag, array header and protected header: mutate there, where the
        // structure stays mostly intact and the COSE decoder's own parsing is exercised.
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            var first = random.Next(24);
            bytes[first] ^= (byte)random.Next(1, 256);
            if (random.Next(2) == 0)
            {
                bytes[(first + random.Next(1, 24)) % 24] ^= (byte)random.Next(1, 256); // a second, distinct byte
            }

            var check = kit.Verifier.Verify(CredentialIssuer.Prefix + Base45.Encode(bytes));
            Assert.NotEqual(CredentialStatus.Genuine, check.Status);
        }
    }
}
