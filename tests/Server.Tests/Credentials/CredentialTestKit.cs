using System.Security.Cryptography;
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
    }

    public RingKey SigningKey { get; }

    public KeyRing Ring { get; }

    public FakeTimeProvider Time { get; }

    public IOptions<CredentialOptions> Options { get; }

    public CredentialIssuer Issuer { get; }

    public CredentialVerifier Verifier { get; }

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

    public void Dispose() => Ring.Dispose();
}
