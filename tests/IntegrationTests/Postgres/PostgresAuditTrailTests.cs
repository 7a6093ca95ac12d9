using ELicense.IntegrationTests.Infrastructure;
using Xunit;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>
/// The audit trail's integration cases on PostgreSQL: the registry and the trail in one database of their
/// own per test (one cluster for the class), the server in a directory of its own.
/// </summary>
public sealed class PostgresAuditTrailTests(PostgresClusterFixture fixture) : AuditTrailCases, IClassFixture<PostgresClusterFixture>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-pg-audit-it-").FullName;
    private string _database = "";

    protected override async Task<ServerInstance> StartServerAsync()
    {
        _database = await fixture.Cluster.CreateDatabaseAsync();
        return await ServerInstance.StartAsync(_directory, redisConfiguration: "", PostgresReplicas.Arguments(_database, _database));
    }

    protected override string[] VerifyArguments => ["verify", "--Audit:Provider=Postgres", $"--Audit:ConnectionString={_database}"];

    protected override async Task<bool> TrailHoldsAsync(string text)
    {
        var (holding, rows) = await PostgresProbe.TrailRowsHoldingAsync(_database, text);
        Assert.True(rows > 0, "No audit table outside the registry's schema holds a row: the trail is not where this test looks.");
        return holding > 0;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
