using System.Security.Cryptography;
using ELicense.Core.Credentials;
using ELicense.Server.Credentials;
using ELicense.V1;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Server.Tests.Credentials;

/// <summary>An issuer and a verifier over one key ring and one fake clock.</summary>
internal sealed class CredentialTestKit : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public CredentialTestKit(params RingKey[] extraKeys)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        SigningKey = RingKey.FromPrivateKey(ecdsa);
        Ring = new KeyRing([SigningKey, .. extraKeys], SigningKey);
        Time = new FakeTimeProvider(Start);
        Options = Microsoft.Extensions.Options.Options.Create(new CredentialOptions());
        Issuer = new CredentialIssuer(Ring, Options, Time);
        Verifier = new CredentialVerifier(Ring, Options, Time);
        MarkVerifier = new MarkVerifier(Ring, Options, Time);
    }

    public RingKey SigningKey { get; }

    public KeyRing Ring { get; }

    public FakeTimeProvider Time { get; }

    public IOptions<CredentialOptions> Options { get; }

    public CredentialIssuer Issuer { get; }

    public CredentialVerifier Verifier { get; }

    public MarkVerifier MarkVerifier { get; }

    public static License SampleLicense() => new()
    {
        LicenseNumber = "11010519491231002X",
        FileNumber = "110100123456",
        HolderName = "张三 (synthetic)",
        LicenseClass = "C1",
        Status = LicenseStatus.Normal,
        FirstIssueDate = new Google.Type.Date { Year = 2015, Month = 6, Day = 1 },
        ValidFromDate = new Google.Type.Date { Year = 2021, Month = 6, Day = 1 },
        ValidUntilDate = new Google.Type.Date { Year = 2031, Month = 6, Day = 1 },
        Points = 3,
    };

    /// <summary>A registered car whose inspection runs to 2027-06-30 (a mark of it lives about seven months from <see cref="Start"/>).</summary>
    public static Vehicle SampleVehicle() => new()
    {
        Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
        Vin = "LSVAM4187C2184847",
        OwnerName = "李四 (synthetic)",
        VehicleType = "K33",
        InspectionValidUntilDate = new Google.Type.Date { Year = 2027, Month = 6, Day = 30 },
        InsuranceValidUntilDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 31 },
    };

    /// <summary>The claims of the sample vehicle's mark issued now, as the server's issuer makes them.</summary>
    public InspectionMarkClaims MarkClaims(Vehicle? vehicle = null) =>
        InspectionMarks.ClaimsFor(vehicle ?? SampleVehicle(), Options.Value.Issuer, Time.GetUtcNow())!;

    /// <summary>A mark signed by this kit's signing key, as the issuer writes it (or <paramref name="claims"/> re-encoded).</summary>
    public string IssueMark(InspectionMarkClaims? claims = null) => SignMark((claims ?? MarkClaims()).Encode());

    /// <summary>Any content signed by this kit's signing key behind the mark prefix.</summary>
    public string SignMark(byte[] content) => CredentialEncoder.Sign(content, SigningKey.Signer, SigningKey.KeyId, CredentialPolicy.MarkPrefix);

    public void Dispose() => Ring.Dispose();
}
