
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>Mutual TLS: a client certificate from the configured CA, with a configured thumbprint, is a caller.</summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-mtls-").FullName;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _client;
    private readonly X509Certificate2 _stranger;
    private WebApplication _app = null!;
    private Uri _address = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public MutualTlsTests()
    {
        _ca = TestCertificates.CreateCa("CN=ELicense Test Client CA (synthetic)");
        _client = TestCertificates.Issue(_ca, "CN=transfer-office-7 (synthetic)", clientAuth: true);
        using var otherCa = TestCertificates.CreateCa("CN=Someone Else's CA");
        _stranger = TestCertificates.Issue(otherCa, "CN=transfer-office-7 (synthetic)", clientAuth: true);
    }

    public async ValueTask InitializeAsync()
    {
        var serverCertificate = TestCertificates.Issue(_ca, "CN=127.0.0.1", clientAuth: false, ipAddress: "127.0.0.1");
        var pfx = Path.Combine(_directory, "server.pfx");
        await File.WriteAllBytesAsync(pfx, serverCertificate.Export(X509ContentType.Pfx, "test"), Ct);
        var caPem = Path.Combine(_directory, "client-ca.pem");
        await File.WriteAllTextAsync(caPem, _ca.ExportCertificatePem(), Ct);
        var port = RedisServer.FreePort();
        string[] args =
        [
            $"--Kestrel:Endpoints:Tls:Url=https://127.0.0.1:{port}",
            $"--Kestrel:Endpoints:Tls:Certificate:Path={pfx}",
            "--Kestrel:Endpoints:Tls:Certificate:Password=test",
            $"--Registry:Path={Path.Combine(_directory, "registry.db")}",
            "--Redis:Configuration=",
            $"--Credentials:DevelopmentKeyPath={Path.Combine(_directory, "key.pem")}",
            $"--Audit:Path={Path.Combine(_directory, "audit.db")}",
            $"--Audit:SubjectKeyPath={Path.Combine(_directory, "audit-subject-key")}",
            "--Logging:LogLevel:Default=Warning",
            // No drain grace (dispose would wait it out) and a free metrics port (9464 may be another test run's).
            "--Drain:Grace=00:00:00",
            "--Metrics:Url=http://127.0.0.1:0",
            $"--Auth:ClientCaPath={caPem}",
            "--Auth:Clients:0:Id=transfer-office-7",
            $"--Auth:Clients:0:CertificateThumbprint={Convert.ToHexString(_client.GetCertHash(HashAlgorithmName.SHA256))}",
            "--Auth:Clients:0:Roles:0=transfer",
            // The stranger's thumbprint is configured too: only the chain check can refuse it.
            "--Auth:Clients:1:Id=impostor",
            $"--Auth:Clients:1:CertificateThumbprint={Convert.ToHexString(_stranger.GetCertHash(HashAlgorithmName.SHA256))}",
            "--Auth:Clients:1:Roles:0=officer",
        ];
        _app = Program.Build(args);
        await _app.StartAsync(Ct);
        _address = new Uri($"https://127.0.0.1:{port}");
        serverCertificate.Dispose();
    }

    private GrpcChannel Channel(X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            // Trust the test CA only, as a handheld would pin its authority's CA.
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return GrpcChannel.ForAddress(_address, new GrpcChannelOptions { HttpHandler = handler });
    }

    [Fact]
    public async Task ListIssuerKeys_ConfiguredClientCertificate_IsServed()
    {
        using var channel = Channel(_client);

        var keys = await new VerificationService.VerificationServiceClient(channel).ListIssuerKeysAsync(new ListIssuerKeysRequest(), cancellationToken: Ct);

        Assert.Single(keys.Keys);
    }

    [Fact]
    public async Task GetLicense_CertificateOfTransferRole_IsPermissionDenied()
    {
        using var channel = Channel(_client);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new VerificationService.VerificationServiceClient(channel)
            .GetLicenseAsync(new GetLicenseRequest { LicenseNumber = TestData.NewLicenseNumber(), Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ListIssuerKeys_NoClientCertificate_IsUnauthenticated()
    {
        using var channel = Channel(null);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new VerificationService.VerificationServiceClient(channel).ListIssuerKeysAsync(new ListIssuerKeysRequest(), cancellationToken: Ct));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task ListIssuerKeys_ConfiguredThumbprintFromAnotherCa_IsUnauthenticated()
    {
        using var channel = Channel(_stranger);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new VerificationService.VerificationServiceClient(channel).ListIssuerKeysAsync(new ListIssuerKeysRequest(), cancellationToken: Ct));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }


    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _ca.Dispose();
        _client.Dispose();
        _stranger.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
