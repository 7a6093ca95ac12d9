
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ELicense.IntegrationTests;

/// <summary>
/// grpc.health.v1 says what the server can do: NOT_SERVING while the audit trail cannot commit or the
/// registry's data cannot be read, SERVING (with "redis" NOT_SERVING) without Redis. Each test runs its own
/// server on its own files; the health publisher runs every second (its minimum), and the tests poll Check
/// with a bounded deadline rather than sleep.
/// </summary>
public sealed class HealthTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-health-it-").FullName;
    private readonly List<IAsyncDisposable> _owned = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<ServerInstance> StartServerAsync(string redisConfiguration = "")
    {
        var server = await ServerInstance.StartAsync(_directory, redisConfiguration, overrides: services =>
            services.Configure<HealthCheckPublisherOptions>(options => options.Period = TimeSpan.FromSeconds(1)));
        _owned.Add(server);
        return server;
    }

    private static async Task<ServingStatus> CheckAsync(Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct)).Status;

    // Until the health publisher's first pass a service is unknown to the gRPC health service (NOT_FOUND): not yet.
    private static async Task WaitForAsync(Health.HealthClient health, string service, ServingStatus expected) =>
        await TestData.EventuallyAsync(async () =>
        {
            try
            {
                return await CheckAsync(health, service) == expected;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return false;
            }
        }, Deadline);

    /// <summary>Reads the Watch stream until it reports <paramref name="expected"/>; fails after the deadline.</summary>
    private static async Task WatchUntilAsync(IAsyncStreamReader<HealthCheckResponse> watch, ServingStatus expected)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Deadline);
        while (await watch.MoveNext(timeout.Token))
        {
            if (watch.Current.Status == expected)
            {
                return;
            }
        }

        Assert.Fail($"The Watch stream ended before reporting {expected}.");
    }

    /// <summary>An audited call (a verification is audited whatever its verdict); null when it was answered.</summary>
    private static async Task<RpcException?> AuditedCallAsync(ServerInstance server)
    {
        try
        {
            await server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = "EDL1:not-a-credential", DeviceId = "handheld-1" },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task HealthCheck_AuditTrailFull_OverallNotServingUntilItCommitsAgain()
    {
        var server = await StartServerAsync();
        var health = new Health.HealthClient(server.Channel);
        await WaitForAsync(health, "", ServingStatus.Serving);
        using var watch = health.Watch(new HealthCheckRequest { Service = "" }, cancellationToken: Ct);
        await WatchUntilAsync(watch.ResponseStream, ServingStatus.Serving);
        Assert.Null(await AuditedCallAsync(server));

        // A full disk, by the real engine: the writer's connection may not grow the file by another page,
        // so the first commit that needs one fails with SQLITE_FULL (after a failure the writer opens a new
        // connection, which the hook caps again). Calls go on until one is refused, a bounded number.
        var log = server.GetService<ELicense.Server.Auditing.AuditWriter>();
        var sink = server.GetService<ELicense.Server.Auditing.Sqlite.SqliteAuditSink>();
        sink.BeforeCommit = connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA max_page_count = 1"; // clamped to the current size: no page more
            command.ExecuteScalar();
        };
        RpcException? refused = null;
        for (var i = 0; i < 500 && refused is null; i++)
        {
            refused = await AuditedCallAsync(server);
        }

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("AUDIT_UNAVAILABLE", TestData.RichStatus(refused).GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Contains("full", log.CommitState.LastError, StringComparison.OrdinalIgnoreCase);

        await WaitForAsync(health, "", ServingStatus.NotServing);
        await WatchUntilAsync(watch.ResponseStream, ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await CheckAsync(health, "audit"));
        Assert.Equal(ServingStatus.NotServing, await CheckAsync(health, "elicense.v1.VerificationService"));
        Assert.Equal(ServingStatus.Serving, await CheckAsync(health, "registry"));

        // Space again. No audited call arrives (a balancer would have taken the server out of rotation):
        // the health check's own probe commits, and the server is SERVING again.
        var commitsBefore = log.Commits;
        sink.BeforeCommit = null;
        await WaitForAsync(health, "", ServingStatus.Serving);
        await WatchUntilAsync(watch.ResponseStream, ServingStatus.Serving);
        Assert.True(log.CommitState.CanCommit);
        Assert.True(log.Commits > commitsBefore); // the probe's record
        Assert.Equal(ServingStatus.Serving, await CheckAsync(health, "audit"));
        Assert.Null(await AuditedCallAsync(server));
    }

    [Fact]
    public async Task HealthCheck_RegistryDataPagesGarbage_RegistryAndOverallNotServing()
    {
        // A seeded registry whose table data pages (between the tables' root pages and the indexes
        // built after the load) are overwritten with garbage; the schema and the meta table stay intact.
        var path = Path.Combine(_directory, "registry.db");
        await new ELicense.Server.Registry.Seeding.RegistrySeeder(TimeProvider.System).SeedAsync(new ELicense.Server.Registry.Sqlite.SqliteBulkLoader(path),
            new ELicense.Server.Registry.Seeding.SeedOptions(2_000, 20261125, Force: false, DateOnly.FromDateTime(DateTime.UtcNow)), null, Ct);
        SqliteConnection.ClearAllPools();
        var (pageSize, firstData, lastData) = DataPages(path);
        Assert.True(lastData - firstData > 10, $"data pages {firstData}..{lastData}");
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            var garbage = new byte[(lastData - firstData + 1) * pageSize];
            new Random(13).NextBytes(garbage);
            file.Seek((firstData - 1) * pageSize, SeekOrigin.Begin);
            await file.WriteAsync(garbage, Ct);
        }

        // What the old probe read still reads; real rows do not.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var meta = connection.CreateCommand();
            meta.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
            Assert.NotNull(meta.ExecuteScalar());
            meta.CommandText = "SELECT holder_name FROM licenses ORDER BY license_number LIMIT 1";
            Assert.Throws<SqliteException>(() => meta.ExecuteScalar());
        }

        var server = await StartServerAsync();
        var health = new Health.HealthClient(server.Channel);

        await WaitForAsync(health, "registry", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await CheckAsync(health, ""));
        Assert.Equal(ServingStatus.Serving, await CheckAsync(health, "audit"));
    }

    [Fact]
    public async Task HealthCheck_RedisStopped_RedisNotServingOverallStillServing()
    {
        var redis = await RedisServer.StartAsync();
        _owned.Add(redis);
        var server = await StartServerAsync(redis.Configuration);
        var health = new Health.HealthClient(server.Channel);
        await WaitForAsync(health, "redis", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await CheckAsync(health, ""));

        await redis.StopAsync();

        await WaitForAsync(health, "redis", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.Serving, await CheckAsync(health, ""));
        Assert.Equal(ServingStatus.Serving, await CheckAsync(health, "elicense.v1.VerificationService"));
        Assert.Null(await AuditedCallAsync(server)); // and it still answers
    }

    /// <summary>The page size and the range of pages after the last table root and before the first index root.</summary>
    private static (int PageSize, long First, long Last) DataPages(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT page_size FROM pragma_page_size()),
                   (SELECT max(rootpage) FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_stat1') + 1,
                   (SELECT min(rootpage) FROM sqlite_master WHERE type = 'index') - 1
            """;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
