using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.Inspector.Offline;
using ELicense.V1;
using GoogleDate = Google.Type.Date;
using ELicense.Core.Credentials;

namespace ELicense.Inspector.Tests.Offline;

/// <summary>Mints credentials the way the server's issuer does (CWT claims, COSE_Sign1, ES256, Base45), with knobs to break them.</summary>
internal sealed class TestIssuer : IDisposable
{
    public const string IssuerName = "ELicense";

    public TestIssuer()
    {
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Spki = Key.ExportSubjectPublicKeyInfo();
        KeyId = SHA256.HashData(Spki)[..8];
    }

    public ECDsa Key { get; }

    public byte[] Spki { get; }

    public byte[] KeyId { get; }

    public string KeyIdHex => Convert.ToHexStringLower(KeyId);

    /// <summary>The cache entry a handheld would hold for this issuer.</summary>
    public CachedIssuerKeys Keys(DateTimeOffset fetchedAt, DateTimeOffset? notAfter = null, params CachedKey[] extra) =>
        new(fetchedAt, "http://127.0.0.1:5080/", IssuerName, 30, [new CachedKey(KeyIdHex, "ES256", Spki, null, notAfter, true), .. extra], [Policy(), MarkPolicy()]);

    /// <summary>The inspection-mark policy a default server publishes, as cached.</summary>
    public static CachedDocumentPolicy MarkPolicy() =>
        new(CredentialDocumentType.InspectionMark, CredentialPolicy.MarkPrefix, 2048, (int)CredentialPolicy.DefaultMarkMaxLifetime.TotalSeconds);

    /// <summary>The inspection-mark policy a default server publishes, as ListIssuerKeys sends it.</summary>
    public static DocumentPolicy PublishedMarkPolicy() => new()
    {
        DocumentType = CredentialDocumentType.InspectionMark,
        Prefix = CredentialPolicy.MarkPrefix,
        MaxPayloadLength = 2048,
        MaxLifetimeSeconds = (int)CredentialPolicy.DefaultMarkMaxLifetime.TotalSeconds,
    };

    /// <summary>A vehicle's mark claims issued at <paramref name="issuedAt"/>, the inspection valid until <paramref name="validUntil"/>.</summary>
    public static InspectionMarkClaims MarkClaims(DateTimeOffset issuedAt, string vehicleType = "K33", DateOnly? validUntil = null)
    {
        var vehicle = new Vehicle
        {
            Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
            Vin = "LSVAU2180N2183294",
            VehicleType = vehicleType,
            InspectionValidUntilDate = Core.Dates.ToProtoDate(validUntil ?? new DateOnly(2026, 5, 31)),
        };
        return InspectionMarks.ClaimsFor(vehicle, IssuerName, issuedAt)!;
    }

    /// <summary>An inspection mark as the issuer writes it.</summary>
    public string IssueMark(InspectionMarkClaims claims)
    {
        var headers = new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(KeyId) } };
        var cose = CoseSign1Message.SignEmbedded(claims.Encode(), new CoseSigner(Key, HashAlgorithmName.SHA256, headers));
        EcdsaLowS.Normalize(cose.AsSpan(cose.Length - 2 * EcdsaLowS.ScalarLength));
        return CredentialPolicy.MarkPrefix + Base45.Encode(cose);
    }

    /// <summary>Flips one bit of a mark's byte at <paramref name="index"/> (negative: from the end).</summary>
    public static string FlipMark(string payload, int index)
    {
        var text = payload[CredentialPolicy.MarkPrefix.Length..];
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var written));
        var bytes = buffer[..written];
        bytes[index < 0 ? bytes.Length + index : index] ^= 0x01;
        return CredentialPolicy.MarkPrefix + Base45.Encode(bytes);
    }

    /// <summary>The licence policy a default server publishes, as cached.</summary>
    public static CachedDocumentPolicy Policy(string prefix = "EDL1:", int maxPayloadLength = 2048, int maxLifetimeSeconds = 600) =>
        new(CredentialDocumentType.DrivingLicense, prefix, maxPayloadLength, maxLifetimeSeconds);

    /// <summary>The licence policy a default server publishes, as ListIssuerKeys sends it.</summary>
    public static DocumentPolicy PublishedPolicy() => new()
    {
        DocumentType = CredentialDocumentType.DrivingLicense,
        Prefix = "EDL1:",
        MaxPayloadLength = 2048,
        MaxLifetimeSeconds = 600,
    };

    public static CredentialSnapshot Snapshot(LicenseStatus status = LicenseStatus.Normal, GoogleDate? validUntil = null) => new()
    {
        LicenseNumber = Samples.LicenseNumber,
        HolderName = "张伟",
        LicenseClass = "C1",
        Status = status,
        ValidFromDate = new GoogleDate { Year = 2018, Month = 5, Day = 20 },
        ValidUntilDate = validUntil ?? new GoogleDate { Year = 2028, Month = 5, Day = 20 },
    };

    public static CredentialClaims Claims(DateTimeOffset issuedAt, TimeSpan? lifetime = null, CredentialSnapshot? snapshot = null, string issuer = IssuerName)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(issuedAt.ToUnixTimeSeconds());
        return new CredentialClaims(issuer, at, at + (lifetime ?? TimeSpan.FromMinutes(3)), RandomNumberGenerator.GetBytes(16), snapshot ?? Snapshot());
    }

    /// <summary>A credential as the issuer writes it.</summary>
    public string Issue(CredentialClaims claims, HashAlgorithmName? hash = null, ECDsa? signer = null)
    {
        var headers = new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(KeyId) } };
        var cose = CoseSign1Message.SignEmbedded(claims.Encode(), new CoseSigner(signer ?? Key, hash ?? HashAlgorithmName.SHA256, headers));
        EcdsaLowS.Normalize(cose.AsSpan(cose.Length - 2 * EcdsaLowS.ScalarLength)); // low-S, as the issuer writes it (P-256 keys only)

        return CredentialPolicy.LicensePrefix + Base45.Encode(cose);
    }

    /// <summary>The ECDSA twin of a credential: the same r with s replaced by n − s, which verifies the same message.</summary>
    public static string HighSTwin(string payload)
    {
        var bytes = Decode(payload);
        var signature = bytes.AsSpan(bytes.Length - 2 * EcdsaLowS.ScalarLength);
        Assert.True(EcdsaLowS.IsLowS(signature), "the credential was not low-S to begin with");
        EcdsaLowS.Twin(signature);
        Assert.False(EcdsaLowS.IsLowS(signature));
        return CredentialPolicy.LicensePrefix + Base45.Encode(bytes);
    }

    public string Issue(DateTimeOffset issuedAt) => Issue(Claims(issuedAt));

    /// <summary>The same signed message without its COSE tag: still verifies cryptographically, but is not the issuer's one encoding.</summary>
    public static string Untagged(string payload)
    {
        var bytes = Decode(payload);
        Assert.Equal(0xD2, bytes[0]);
        return CredentialPolicy.LicensePrefix + Base45.Encode(bytes.AsSpan(1));
    }

    /// <summary>Flips one bit of the byte at <paramref name="index"/> (negative: from the end).</summary>
    public static string Flip(string payload, int index)
    {
        var bytes = Decode(payload);
        bytes[index < 0 ? bytes.Length + index : index] ^= 0x01;
        return CredentialPolicy.LicensePrefix + Base45.Encode(bytes);
    }

    public static byte[] Decode(string payload)
    {
        var text = payload[CredentialPolicy.LicensePrefix.Length..];
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var written));
        return buffer[..written];
    }

    /// <summary>A tagged COSE_Sign1 written by hand with an algorithm header of our choosing.</summary>
    public string RawWithAlgorithm(int algorithm, byte[] content)
    {
        var header = new CborWriter();
        header.WriteStartMap(2);
        header.WriteInt32(1);
        header.WriteInt32(algorithm);
        header.WriteInt32(4);
        header.WriteByteString(KeyId);
        header.WriteEndMap();
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(header.Encode());
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(content);
        writer.WriteByteString(new byte[64]);
        writer.WriteEndArray();
        return CredentialPolicy.LicensePrefix + Base45.Encode(writer.Encode());
    }

    public void Dispose() => Key.Dispose();
}
