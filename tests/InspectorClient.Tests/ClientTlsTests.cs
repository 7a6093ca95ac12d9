using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ELicense.Inspector.Commands;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Tests;

/// <summary>Client certificate loading and the private-CA check of the server certificate, with certificates made on the fly.</summary>
public sealed class ClientTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("inspector-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static X509Certificate2 MakeCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(Samples.Now.AddDays(-1), Samples.Now.AddYears(20));
    }

    private static X509Certificate2 MakeLeaf(X509Certificate2 ca, string name, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var publicOnly = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
        return publicOnly.CopyWithPrivateKey(key);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static ConnectionOptions Options(string? cert = null, string? key = null, string? password = null, string? ca = null)
    {
        var settings = new GlobalSettings { Server = ["https://elicense.example"], Cert = cert, CertKey = key, CertPassword = password, Ca = ca };
        Assert.True(ConnectionOptions.TryResolve(settings, _ => null, "H", out var options, out var error), error);
        return options;
    }

    [Fact]
    public void ValidateServerCertificate_SignedByGivenCa_Accepted()
    {
        using var ca = MakeCa("Test Root");
        using var server = MakeLeaf(ca, "elicense.test", out var key);
        using var _ = key;

        Assert.True(ClientTls.ValidateServerCertificate([ca], server, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ValidateServerCertificate_SignedByOtherCa_Refused()
    {
        using var ca = MakeCa("Test Root");
        using var other = MakeCa("Other Root");
        using var server = MakeLeaf(other, "elicense.test", out var key);
        using var _ = key;

        Assert.False(ClientTls.ValidateServerCertificate([ca], server, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ValidateServerCertificate_NameMismatch_Refused()
    {
        using var ca = MakeCa("Test Root");
        using var server = MakeLeaf(ca, "elicense.test", out var key);
        using var _ = key;

        Assert.False(ClientTls.ValidateServerCertificate(
            [ca], server, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Load_PemCertificateAndKey_AppliesClientCertificateAndCa()
    {
        using var ca = MakeCa("Test Root");
        using var client = MakeLeaf(ca, "gate-3", out var key);
        using var _ = key;
        var options = Options(
            cert: Write("client.pem", client.ExportCertificatePem()),
            key: Write("client.key", key.ExportPkcs8PrivateKeyPem()),
            ca: Write("ca.pem", ca.ExportCertificatePem()));

        using var tls = ClientTls.Load(options);
        var ssl = new SslClientAuthenticationOptions();
        tls.Apply(ssl);

        Assert.True(tls.ClientCertificate?.HasPrivateKey);
        Assert.Equal(client.Thumbprint, tls.ClientCertificate?.Thumbprint);
        Assert.Equal(ca.Thumbprint, Assert.Single(tls.TrustedRoots!).Thumbprint);
        Assert.Single(ssl.ClientCertificates!);
        Assert.NotNull(ssl.RemoteCertificateValidationCallback);
    }

    [Fact]
    public void Load_PemWithKeyInSameFile_Loads()
    {
        using var ca = MakeCa("Test Root");
        using var client = MakeLeaf(ca, "gate-3", out var key);
        using var _ = key;

        using var tls = ClientTls.Load(Options(cert: Write("both.pem", client.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem())));

        Assert.True(tls.ClientCertificate?.HasPrivateKey);
        Assert.Null(tls.TrustedRoots);
    }

    [Fact]
    public void Load_EncryptedPemKeyWithPassword_Loads()
    {
        using var ca = MakeCa("Test Root");
        using var client = MakeLeaf(ca, "gate-3", out var key);
        using var _ = key;
        var encrypted = key.ExportEncryptedPkcs8PrivateKeyPem(
            "pem-pass", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));

        using var tls = ClientTls.Load(Options(
            cert: Write("client.pem", client.ExportCertificatePem()), key: Write("client.key", encrypted), password: "pem-pass"));

        Assert.True(tls.ClientCertificate?.HasPrivateKey);
    }

    [Fact]
    public void Load_PfxWithPassword_Loads()
    {
        using var ca = MakeCa("Test Root");
        using var client = MakeLeaf(ca, "gate-3", out var key);
        using var _ = key;
        var path = Path.Combine(_directory, "client.pfx");
        File.WriteAllBytes(path, client.Export(X509ContentType.Pkcs12, "pfx-pass"));

        using var tls = ClientTls.Load(Options(cert: path, password: "pfx-pass"));

        Assert.Equal(client.Thumbprint, tls.ClientCertificate?.Thumbprint);
    }

    [Fact]
    public void Load_PfxWrongPassword_UsageErrorWithoutPassword()
    {
        using var ca = MakeCa("Test Root");
        using var client = MakeLeaf(ca, "gate-3", out var key);
        using var _ = key;
        var path = Path.Combine(_directory, "client.pfx");
        File.WriteAllBytes(path, client.Export(X509ContentType.Pkcs12, "pfx-pass"));

        var error = Assert.Throws<UsageException>(() => ClientTls.Load(Options(cert: path, password: "wrong-pass-9")));

        Assert.Contains("client.pfx", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass-9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CertificateWithoutKey_UsageError()
    {
        using var ca = MakeCa("Test Root");

        var error = Assert.Throws<UsageException>(() => ClientTls.Load(Options(cert: Write("ca-only.pem", ca.ExportCertificatePem()))));

        Assert.Contains("ca-only.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFiles_UsageErrorNamingTheFile()
    {
        var missing = Path.Combine(_directory, "nope.pem");

        Assert.Contains("nope.pem", Assert.Throws<UsageException>(() => ClientTls.Load(Options(ca: missing))).Message, StringComparison.Ordinal);
        Assert.Contains("nope.pem", Assert.Throws<UsageException>(() => ClientTls.Load(Options(cert: missing))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CaFileWithoutCertificate_UsageError()
    {
        var error = Assert.Throws<UsageException>(() => ClientTls.Load(Options(ca: Write("empty.pem", "not a certificate\n"))));

        Assert.Contains("--ca", error.Message, StringComparison.Ordinal);
    }
}
