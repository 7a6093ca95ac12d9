using System.Security.Cryptography;
using ELicense.Core.Credentials;
using ELicense.V1;

namespace ELicense.CredentialFuzz;

/// <summary>The harness's fixed world: the test key, the frozen clock, the default server's policies and the seeds.</summary>
internal static class FuzzSetup
{
    /// <summary>
    /// TEST KEY, FOR FUZZING ONLY. Published in this repository, so it must never sign anything real.
    /// </summary>
    private const string FuzzTestKeyPem = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWjDcBr39TqDAp5Pn
        ybO962qc715QA9vhUXZ4leLVdaGhRANCAASJFzSKOVomEO66cCQyuUZR7mVhNk/m
        nrTmF9sfKKKVoWw5R0HnqapR9SU2ZLY9likhspSlr+iIVGbkk1jYFwTT
        -----END PRIVATE KEY-----
        """;

    /// <summary>The fixed clock of the harness: both seeds were issued at this instant.</summary>
    public static readonly DateTimeOffset FuzzNow = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The licence seed (corpus/valid-credential.txt), issued with the test key at <see cref="FuzzNow"/>
    /// by <c>--issue-seed</c>. The only licence credential that may verify as Genuine.
    /// </summary>
    public const string SeedPayload = "EDL1:RRQT 9O60GO0TTB1LT7LHOXD8CKB%C080AY8OED1$CLQEFN0AEDKLNWY0AEDKHNR-0Q0DRE0%/A659L$L/%N:NF7R6/E7V50V30A80%96746B461A64R6*96AL6646IG6-D0.1TDFK EN.24-QEG/D+8DBWE5OCBJ0BM8ZM00T0EC9VY0L3B27B36S931I3C%%QVTTPC0KHFMSE72GVHVT289PV2$D QA8G922EUQ7+UJ031.%9 DIMRJP3GGVOO7NIAU$4IAM5VX3XWQGTS21I";

    /// <summary>
    /// The inspection-mark seed (corpus/valid-mark.txt), issued with the test key at <see cref="FuzzNow"/>
    /// by <c>--issue-mark-seed</c>. The only mark that may verify as Genuine.
    /// </summary>
    public const string MarkSeedPayload = "EVM1:RRQT 9O60GO0TTB1LT7LHOXD8CK3XD080AY8OED1$CLQEFN0AUDKL3WY0AEDKHNR-09%1A+1 /DI8H%5TF4GYD6O78/E7V50I90480WW6A46IA7846NF6//6WD09-S.YL*96DL6QV6LB0*OCCL6/U09T9V+A9Y90A6H:6HF6*E5*E51/6293:*0/XC/QNXB8088IPQOEVSR84-4Q/COZKOU7/:8G0LU+RZ.4M9QJQ3AQV.*O5XUZRRC:MWW7ZBO VP:MG+VT6BE:X91%B8FS96QKQ4%%AI1WN3";

    /// <summary>The default server's licence policy (CredentialOptions' defaults).</summary>
    public static readonly CredentialPolicy LicensePolicy = new(
        CredentialDocumentType.DrivingLicense, CredentialPolicy.LicensePrefix, CredentialPolicy.DefaultMaxPayloadLength,
        CredentialPolicy.DefaultMaxLifetime, CredentialPolicy.DefaultMaxClockSkew, "ELicense");

    /// <summary>The default server's inspection-mark policy (823 days).</summary>
    public static readonly CredentialPolicy MarkPolicy = LicensePolicy with
    {
        DocumentType = CredentialDocumentType.InspectionMark,
        Prefix = CredentialPolicy.MarkPrefix,
        MaxLifetime = CredentialPolicy.DefaultMarkMaxLifetime,
    };

    public static ECDsa LoadKey()
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(FuzzTestKeyPem);
        return ecdsa;
    }

    /// <summary>A new licence seed: as the server's issuer writes it (whole-second times, 3 minutes, a random token id).</summary>
    public static string IssueLicenseSeed()
    {
        using var ecdsa = LoadKey();
        var claims = new CredentialClaims(LicensePolicy.Issuer, FuzzNow, FuzzNow.AddMinutes(3), RandomNumberGenerator.GetBytes(CredentialClaims.TokenIdLength), new CredentialSnapshot
        {
            LicenseNumber = "11010519491231002X",
            HolderName = "张三 (synthetic)",
            LicenseClass = "C1",
            Status = LicenseStatus.Normal,
            ValidFromDate = new Google.Type.Date { Year = 2021, Month = 6, Day = 1 },
            ValidUntilDate = new Google.Type.Date { Year = 2031, Month = 6, Day = 1 },
        });
        return CredentialEncoder.Sign(claims.Encode(), ecdsa, FuzzKeys.KeyIdOf(ecdsa), LicensePolicy.Prefix);
    }

    /// <summary>A new mark seed: InspectionMarks' claims for a synthetic car inspected until 2027-06-30.</summary>
    public static string IssueMarkSeed()
    {
        using var ecdsa = LoadKey();
        var vehicle = new Vehicle
        {
            Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
            Vin = "LSVAM4187C2184847",
            VehicleType = "K33",
            InspectionValidUntilDate = new Google.Type.Date { Year = 2027, Month = 6, Day = 30 },
        };
        var claims = InspectionMarks.ClaimsFor(vehicle, MarkPolicy.Issuer, FuzzNow)!;
        return CredentialEncoder.Sign(claims.Encode(), ecdsa, FuzzKeys.KeyIdOf(ecdsa), MarkPolicy.Prefix);
    }
}

/// <summary>The fuzz key as the decoder's key source: one public key, found by its id (SHA-256 of the SPKI, 8 bytes).</summary>
internal sealed class FuzzKeys : IIssuerKeySource
{
    private readonly byte[] _keyId;
    private readonly PublicIssuerKey _key;

    public FuzzKeys()
    {
        using var ecdsa = FuzzSetup.LoadKey();
        _keyId = KeyIdOf(ecdsa);
        _key = PublicIssuerKey.TryCreate(Convert.ToHexStringLower(_keyId), ecdsa.ExportSubjectPublicKeyInfo(), null, null)
            ?? throw new InvalidOperationException("The fuzz key is not a P-256 key.");
    }

    public string UnknownKeyHint => "the fuzz key";

    public static byte[] KeyIdOf(ECDsa key) => SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..8];

    public bool TryGetKey(ReadOnlySpan<byte> keyId, out IVerificationKey key)
    {
        key = _key;
        return keyId.SequenceEqual(_keyId);
    }
}

/// <summary>A clock that never moves, so verdicts depend on the input alone.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
