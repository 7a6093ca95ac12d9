using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ELicense.Client.Connection;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>
/// The inspector's balanced channel over https replicas with mutual TLS and a private CA (--cert, --cert-key,
/// --ca): each replica's certificate is checked against that replica's own host name. The balanced channel's
/// address is <c>static:///elicense</c>, but grpc-dotnet's balancer rewrites every request to the address it
/// picked, so TLS names the replica ("localhost" here), never "elicense".
/// </summary>
public sealed class BalancedMutualTlsTests : IAsyncLifetime
{
    private const string ListKeys = "ListIssuerKeys";

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-balanced-tls-").FullName;
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("CN=ELicense Balanced TLS Test CA (synthetic)");
    private readonly List<WebApplication> _replicas = [];
    private readonly List<CallCounter> _counters = [];
    private string _caPem = null!;
    private string _clientPem = null!;
    private string _clientKeyPem = null!;
    private string _clientThumbprint = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        using var client = TestCertificates.Issue(_ca, "CN=officer-office-3 (synthetic)", clientAuth: true);
        _caPem = Path.Combine(_directory, "ca.pem");
        _clientPem = Path.Combine(_directory, "client.pem");
        _clientKeyPem = Path.Combine(_directory, "client.key");
        await File.WriteAllTextAsync(_caPem, _ca.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(_clientPem, client.ExportCertificatePem(), Ct);
        using var clientKey = client.GetECDsaPrivateKey()!;
        await File.WriteAllTextAsync(_clientKeyPem, clientKey.ExportPkcs8PrivateKeyPem(), Ct);
        _clientThumbprint = Convert.ToHexString(client.GetCertHash(HashAlgorithmName.SHA256));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.StopAsync();
            await replica.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Calls_HttpsReplicasWithLocalhostCertificates_SpreadOverAllWithoutErrors()
    {
        var servers = new List<Uri>();
        for (var i = 0; i < 3; i++)
        {
            servers.Add(await StartReplicaAsync(i, "localhost"));
        }

        var retries = 0;
        using var session = new RpcSession(Options(servers), onRetry: _ => Interlocked.Increment(ref retries));
        var failures = new List<string>();
        for (var i = 0; i < 45; i++)
        {
            try
            {
                await session.CallAsync(o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), Ct);
            }
            catch (RpcException e)
            {
                failures.Add($"{e.StatusCode}: {e.Status.Detail}");
            }
        }

        Assert.Empty(failures);
        // Retries would hide a replica whose handshake fails: its calls would pass on another one.
        Assert.Equal(0, retries);
        Assert.All(_counters, c => Assert.True(c.Calls(ListKeys) >= 5, $"a replica answered only {c.Calls(ListKeys)} of 45 calls"));
        TestContext.Current.SendDiagnosticMessage($"balanced https over 3 replicas: {string.Join(", ", _counters.Select(c => c.Calls(ListKeys)))} calls");
    }

    [Fact]
    public async Task Calls_CertificatesNameOnlyTheBalancedAddress_RefusedNotAcceptedUnderThatName()
    {
        // Certificates for "elicense" (the balanced channel's own address) and not for the replicas' host: if
        // TLS checked that name these calls would pass; checked against each replica's host, none may.
        var servers = new List<Uri> { await StartReplicaAsync(0, "elicense"), await StartReplicaAsync(1, "elicense") };
        using var session = new RpcSession(Options(servers, retries: 0));

        for (var i = 0; i < 4; i++)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await session.CallAsync(o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), Ct));
            // grpc-dotnet reports the refused handshake (HttpRequestException around an AuthenticationException) as INTERNAL.
            Assert.Equal(StatusCode.Internal, error.StatusCode);
            Assert.Contains("SSL", error.Status.Detail + error.Status.DebugException, StringComparison.Ordinal);
        }

        Assert.All(_counters, c => Assert.Equal(0, c.Total));
    }

    private ConnectionOptions Options(IReadOnlyList<Uri> servers, int retries = 2)
    {
        var settings = new ELicense.Inspector.Commands.GlobalSettings
        {
            Server = servers.Select(s => s.ToString()).ToArray(),
            Cert = _clientPem,
            CertKey = _clientKeyPem,
            Ca = _caPem,
            Retries = retries,
            DeadlineSeconds = 10,
            Device = "balanced-tls-test",
        };
        return ConnectionOptions.TryResolve(settings, _ => null, "it", out var options, out var error)
            ? options
            : throw new InvalidOperationException(error);
    }

    /// <summary>A replica on https://localhost:PORT with a certificate from the test CA for <paramref name="dnsName"/> only.</summary>
    private async Task<Uri> StartReplicaAsync(int i, string dnsName)
    {
        using var certificate = TestCertificates.Issue(_ca, $"CN={dnsName}", clientAuth: false, dnsName: dnsName);
        var pfx = Path.Combine(_directory, $"server-{i}.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test"), Ct);
        var port = RedisServer.FreePort();
        string[] args =
        [
            // "localhost": Kestrel listens on 127.0.0.1 and ::1, whichever the client's resolver tries first.
            $"--Kestrel:Endpoints:Tls:Url=https://localhost:{port}",
            $"--Kestrel:Endpoints:Tls:Certificate:Path={pfx}",
            "--Kestrel:Endpoints:Tls:Certificate:Password=test",
            $"--Registry:Path={Path.Combine(_directory, "registry.db")}",
            "--Redis:Configuration=",
            $"--Credentials:DevelopmentKeyPath={Path.Combine(_directory, "key.pem")}",
            $"--Audit:Path={Path.Combine(_directory, "audit.db")}",
            $"--Audit:SubjectKeyPath={Path.Combine(_directory, "audit-subject-key")}",
            "--Logging:LogLevel:Default=Warning",
            "--Drain:Grace=00:00:00",
            "--Metrics:Url=http://127.0.0.1:0",
            $"--Auth:ClientCaPath={_caPem}",
            "--Auth:Clients:0:Id=officer-office-3",
            $"--Auth:Clients:0:CertificateThumbprint={_clientThumbprint}",
            "--Auth:Clients:0:Roles:0=officer",
        ];
        var counter = new CallCounter();
        var app = Program.Build(args, services => services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CountingInterceptor>(counter)));
        _replicas.Add(app);
        _counters.Add(counter);
        await app.StartAsync(Ct);
        return new Uri($"https://localhost:{port}");
    }

}
