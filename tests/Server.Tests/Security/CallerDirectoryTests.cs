using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ELicense.Server.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Security;

public sealed class CallerDirectoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-ca-").FullName;
    private readonly X509Certificate2 _ca = CreateCa("CN=ELicense test client CA");
    private readonly X509Certificate2 _strangerCa = CreateCa("CN=Someone else's CA");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        _ca.Dispose();
        _strangerCa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void FindByCertificate_SameConnectionsCertificateTwice_ChainBuiltOnce()
    {
        using var client = Issue(_ca, "CN=desk-7");
        using var directory = NewDirectory(client);

        var first = directory.FindByCertificate(client);
        var second = directory.FindByCertificate(client);

        Assert.Equal("desk-7", first!.Id);
        Assert.Same(first, second);
        Assert.Equal(1, directory.ChainBuilds);
    }

    [Fact]
    public void FindByCertificate_AfterTheRecheckInterval_ChainBuiltAgain()
    {
        using var client = Issue(_ca, "CN=desk-7");
        using var directory = NewDirectory(client);
        directory.FindByCertificate(client);

        _time.Advance(CallerDirectory.CertificateRecheck + TimeSpan.FromSeconds(1));
        var again = directory.FindByCertificate(client);

        Assert.Equal("desk-7", again!.Id);
        Assert.Equal(2, directory.ChainBuilds);
    }

    [Fact]
    public void FindByCertificate_NewConnectionSameCertificate_ChainBuiltForIt()
    {
        using var client = Issue(_ca, "CN=desk-7");
        using var directory = NewDirectory(client);
        using var reconnected = X509CertificateLoader.LoadCertificate(client.RawData); // another connection's object

        directory.FindByCertificate(client);
        Assert.Equal("desk-7", directory.FindByCertificate(reconnected)!.Id);

        Assert.Equal(2, directory.ChainBuilds);
    }

    [Fact]
    public void FindByCertificate_KnownThumbprintOtherCa_RefusedEveryTimeNeverCached()
    {
        // A certificate with a configured thumbprint that does not chain to the client CA.
        using var forged = Issue(_strangerCa, "CN=desk-7");
        using var directory = NewDirectory(forged);

        Assert.Null(directory.FindByCertificate(forged));
        Assert.Null(directory.FindByCertificate(forged));
        Assert.Equal(2, directory.ChainBuilds);
    }

    private CallerDirectory NewDirectory(X509Certificate2 client)
    {
        var caPath = Path.Combine(_directory, "client-ca.pem");
        File.WriteAllText(caPath, _ca.ExportCertificatePem());
        var options = new AuthOptions
        {
            ClientCaPath = caPath,
            Clients =
            [
                new ClientOptions
                {
                    Id = "desk-7",
                    CertificateThumbprint = Convert.ToHexStringLower(client.GetCertHash(HashAlgorithmName.SHA256)),
                    Roles = [Roles.Officer],
                },
            ],
        };
        return new CallerDirectory(Options.Create(options), _time);
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), RandomNumberGenerator.GetBytes(8));
    }
}
