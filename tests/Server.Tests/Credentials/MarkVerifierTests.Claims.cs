using ELicense.Core.Credentials;
using ELicense.Server.Credentials;
using ELicense.V1;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>The mark's signed claims: document-type confusion, hostile CBOR the issuer's key signed, and the COSE framing.</summary>
public sealed partial class MarkVerifierTests
{
    [Fact]
    public void ClaimSetWriter_Unchanged_IsByteForByteTheIssuersEncoding()
    {
        using var kit = new CredentialTestKit();
        var claims = kit.MarkClaims();

        // The hand-written claim sets below differ from the issuer's in exactly the one thing each test changes.
        Assert.Equal(claims.Encode(), ClaimSetWriter.Of(claims).Encode());
    }

    [Fact]
    public void Verify_LicenceClaimsSignedBehindTheMarkPrefix_IsMalformed()
    {
        using var kit = new CredentialTestKit();
        var licence = kit.Issuer.Issue(CredentialTestKit.SampleLicense()).QrPayload;
        var licenceClaims = CoseForge.Content(licence, CredentialIssuer.Prefix);

        var signed = kit.MarkVerifier.Verify(kit.SignMark(licenceClaims));                                                      // signed as a mark by the issuer's key
        var reprefixed = kit.MarkVerifier.Verify(CoseForge.Encode(CoseForge.DecodeCose(licence, CredentialIssuer.Prefix), Prefix)); // an issued licence, relabelled

        Assert.Equal(CredentialStatus.Malformed, signed.Status);
        Assert.Contains("claims", signed.Detail, StringComparison.Ordinal);
        Assert.Equal(CredentialStatus.Malformed, reprefixed.Status);
        Assert.Null(InspectionMarkClaims.TryDecode(licenceClaims));
    }

    [Fact]
    public void Verify_MarkClaimsSignedBehindTheLicencePrefix_IsMalformed()
    {
        using var kit = new CredentialTestKit();
        var mark = kit.IssueMark();
        var markClaims = CoseForge.Content(mark, Prefix);
        var key = kit.SigningKey;

        var signed = kit.Verifier.Verify(CredentialEncoder.Sign(markClaims, key.Signer, key.KeyId, CredentialIssuer.Prefix));
        var reprefixed = kit.Verifier.Verify(CoseForge.Encode(CoseForge.DecodeCose(mark, Prefix), CredentialIssuer.Prefix));

        Assert.Equal(CredentialStatus.Malformed, signed.Status);
        Assert.Contains("claims", signed.Detail, StringComparison.Ordinal);
        Assert.Equal(CredentialStatus.Malformed, reprefixed.Status);
        Assert.Null(CredentialClaims.TryDecode(markClaims));
    }

    [Fact]
    public void Decoder_PolicyOfTheOtherDocumentType_IsRefusedAtConstruction()
    {
        using var kit = new CredentialTestKit();
        var options = new CredentialOptions();

        var markWithLicencePolicy = Assert.Throws<ArgumentException>(() =>
            new CredentialDecoder<InspectionMarkClaims>(InspectionMarkDocument.Instance, options.LicensePolicy(), kit.Ring, kit.Time));
        var licenceWithMarkPolicy = Assert.Throws<ArgumentException>(() =>
            new CredentialDecoder<CredentialClaims>(LicenseDocument.Instance, options.MarkPolicy(), kit.Ring, kit.Time));

        Assert.Contains("InspectionMark", markWithLicencePolicy.Message, StringComparison.Ordinal);
        Assert.Contains("DrivingLicense", licenceWithMarkPolicy.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)] // mark number
    [InlineData(2)] // plate number
    [InlineData(4)] // vehicle type
    [InlineData(5)] // masked VIN
    [InlineData(7)] // office
    public void Verify_MarkTextClaimOverTheLimit_IsMalformedEvenIfSigned(int field)
    {
        using var kit = new CredentialTestKit();
        var atLimit = ClaimSetWriter.Of(kit.MarkClaims());
        ClaimSetWriter.Set(atLimit.Mark, field, w => w.WriteTextString(new string('9', CwtClaimSet.MaxTextLength)));
        var overLimit = ClaimSetWriter.Of(kit.MarkClaims());
        ClaimSetWriter.Set(overLimit.Mark, field, w => w.WriteTextString(new string('9', CwtClaimSet.MaxTextLength + 1)));

        Assert.Equal(CredentialStatus.Genuine, kit.MarkVerifier.Verify(kit.SignMark(atLimit.Encode())).Status);
        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(kit.SignMark(overLimit.Encode())).Status);
    }

    [Fact]
    public void Verify_IssuerOverTheLimit_IsMalformedEvenIfSigned()
    {
        using var kit = new CredentialTestKit();
        var set = ClaimSetWriter.Of(kit.MarkClaims());
        ClaimSetWriter.Set(set.Top, 1, w => w.WriteTextString(new string('E', CwtClaimSet.MaxTextLength + 1)));

        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(kit.SignMark(set.Encode())).Status);
    }

    [Theory]
    [InlineData(true, 1)]    // iss twice (the second could name another issuer)
    [InlineData(true, 4)]    // exp twice (the second could extend the mark)
    [InlineData(true, ClaimSetWriter.MarkClaim)]
    [InlineData(false, 2)]   // plate number twice (the second could name another vehicle)
    [InlineData(false, 6)]   // valid-until twice
    public void Verify_DuplicateKey_IsMalformedEvenIfSigned(bool topLevel, int key)
    {
        using var kit = new CredentialTestKit();
        var set = ClaimSetWriter.Of(kit.MarkClaims());
        var entries = topLevel ? set.Top : set.Mark;
        entries.Add(entries.First(e => e.Key == key));
        var content = set.Encode();

        Assert.Null(InspectionMarkClaims.TryDecode(content));
        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(kit.SignMark(content)).Status);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0xA0 })] // a second, empty map
    [InlineData(new byte[] { 0xFF })] // a stray break
    public void Verify_TrailingBytesAfterTheClaims_IsMalformedEvenIfSigned(byte[] trailing)
    {
        using var kit = new CredentialTestKit();
        byte[] content = [.. kit.MarkClaims().Encode(), .. trailing];

        Assert.Null(InspectionMarkClaims.TryDecode(content));
        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(kit.SignMark(content)).Status);
    }

    [Theory]
    [InlineData(3, 0)]   // plate type unspecified: names no vehicle
    [InlineData(3, 99)]  // a plate type the contract does not define
    [InlineData(1, -1)]  // mark number absent
    [InlineData(2, -1)]  // plate number absent
    [InlineData(6, -1)]  // valid-until absent: names no period
    public void Verify_IncompleteMark_IsMalformedEvenIfSigned(int field, int plateType)
    {
        using var kit = new CredentialTestKit();
        var set = ClaimSetWriter.Of(kit.MarkClaims());
        if (plateType < 0)
        {
            set.Mark.RemoveAll(e => e.Key == field);
        }
        else
        {
            ClaimSetWriter.Set(set.Mark, field, w => w.WriteInt32(plateType));
        }

        Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(kit.SignMark(set.Encode())).Status);
    }

    [Fact]
    public void Verify_UnknownClaimsBesideTheMark_AreSkippedAsCwtAllows()
    {
        using var kit = new CredentialTestKit();
        var set = ClaimSetWriter.Of(kit.MarkClaims());
        set.Top.Add((-70000, w => w.WriteTextString("extension")));
        set.Mark.Add((99, w => w.WriteInt32(1)));

        Assert.Equal(CredentialStatus.Genuine, kit.MarkVerifier.Verify(kit.SignMark(set.Encode())).Status);
    }

    [Fact]
    public void Verify_NonCanonicalCoseOfAnIssuedMark_IsMalformed()
    {
        using var kit = new CredentialTestKit();
        var cose = CoseForge.DecodeCose(kit.IssueMark(), Prefix);
        Assert.Equal(0xD2, cose[0]);
        var unprotectedAt = Array.IndexOf(cose, (byte)0xA0, 2); // the empty unprotected map
        var withUnprotected = (byte[])[.. cose[..unprotectedAt], 0xA1, 0x20, 0x00, .. cose[(unprotectedAt + 1)..]]; // {-1: 0}
        var longTag = (byte[])[0xD8, 0x12, .. cose[1..]];                                                          // tag 18 in two bytes
        var indefiniteArray = (byte[])[0xD2, 0x9F, .. cose[2..], 0xFF];

        foreach (var variant in new[] { cose[1..], withUnprotected, longTag, indefiniteArray })
        {
            Assert.Equal(CredentialStatus.Malformed, kit.MarkVerifier.Verify(CoseForge.Encode(variant, Prefix)).Status);
        }
    }

    [Theory]
    [InlineData(CredentialStatus.Malformed, VehicleVerdict.Malformed)]
    [InlineData(CredentialStatus.SignatureInvalid, VehicleVerdict.SignatureInvalid)]
    [InlineData(CredentialStatus.UnknownKey, VehicleVerdict.UnknownKey)]
    [InlineData(CredentialStatus.Expired, VehicleVerdict.MarkExpired)]
    [InlineData(CredentialStatus.NotYetValid, VehicleVerdict.MarkNotYetValid)]
    [InlineData(CredentialStatus.Genuine, VehicleVerdict.Malformed)] // Genuine needs the vehicle rules: never VALID by itself
    public void MarkVerdictsOf_EveryStatus_IsTheContractsWordAndNeverValid(CredentialStatus status, VehicleVerdict expected)
    {
        Assert.Equal(expected, MarkVerdicts.Of(status));
    }

}
