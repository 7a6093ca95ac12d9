using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using ELicense.Server.Tests.Auditing.Contract;
using ELicense.Server.Tests.Postgres;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary><c>audit verify</c> over a PostgreSQL trail: the same exit codes as on SQLite, messages without the password.</summary>
public sealed class PostgresAuditCommandTests(PostgresFixture postgres) : PostgresAuditTestBase(postgres), IClassFixture<PostgresFixture>
{
    private const string Password = "s3cret-never-shown";
    private readonly StringWriter _output = new();

    [Fact]
    public async Task RunAsync_IntactTrail_OkWithTheAnchorAndExit0()
    {
        await AppendAsync(200);

        var exit = await RunAsync("verify");

        Assert.Equal(0, exit);
        Assert.StartsWith("OK: 200 records, chain intact, head ", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--anchor 200:", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TamperedTrail_SaysTamperedAndExits1()
    {
        await AppendAsync(200);
        await Audit.ExecuteAsync("UPDATE audit.block SET records = set_byte(records, 30, get_byte(records, 30) # 4) WHERE first_seq = 129");

        Assert.Equal(1, await RunAsync("verify"));
        Assert.StartsWith("TAMPERED: ", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TailTruncatedAndHeadMovedToMatch_OnlyTheAnchorCatchesIt()
    {
        await AppendAsync(200);
        Assert.Equal(0, await RunAsync("verify"));
        var anchor = _output.ToString().Split("--anchor ")[1].Trim();

        // A consistent rewrite: the last block gone and the head set to the record before it. The chain alone verifies.
        await Audit.ExecuteAsync("""
            DELETE FROM audit.block WHERE first_seq = 129;
            UPDATE audit.head SET record_count = 128, head_seq = 128,
                head_hash = substring(records FROM length(records) - 31 FOR 32) FROM audit.block b WHERE b.first_seq = 1;
            """);
        _output.GetStringBuilder().Clear();
        Assert.Equal(0, await RunAsync("verify"));

        _output.GetStringBuilder().Clear();
        Assert.Equal(1, await RunAsync("verify", "--anchor", anchor));
        Assert.Contains("no longer reaches the anchored record seq 200", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DatabaseWithoutTrail_SaysSoExits1AndCreatesNothing()
    {
        Assert.Equal(1, await RunAsync("verify"));

        Assert.Contains($"No audit trail in postgres://127.0.0.1:{Postgres.Cluster.Port}/", _output.ToString(), StringComparison.Ordinal);
        await using var connection = await Audit.DataSource.OpenConnectionAsync(Ct);
        await using var schema = new NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = 'audit'", connection);
        Assert.Equal(0L, await schema.ExecuteScalarAsync(Ct)); // verifying never creates the schema
    }

    [Fact]
    public async Task RunAsync_MissingDatabase_CannotReadItExits1WithoutThePassword()
    {
        var missing = new NpgsqlConnectionStringBuilder(Audit.ConnectionString) { Database = "no_such_db" }.ConnectionString;

        Assert.Equal(1, await RunOnAsync(missing, "verify"));

        Assert.Contains($"Cannot read postgres://127.0.0.1:{Postgres.Cluster.Port}/no_such_db as an audit trail", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoConnectionString_UsageErrorExit2()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:Provider"] = "Postgres" }).Build();

        Assert.Equal(2, await AuditCommand.RunAsync(["verify"], configuration, AuditEngine.OpenReadOnlyTrail, _output, Ct));
        Assert.Contains("Audit:ConnectionString", _output.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(params string[] args) => RunOnAsync(Audit.ConnectionString, args);

    private async Task<int> RunOnAsync(string connectionString, params string[] args)
    {
        // Trust authentication ignores the password: it is there to prove no message shows it.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Audit:Provider"] = "Postgres",
            ["Audit:ConnectionString"] = connectionString + $";Password={Password}",
        }).Build();
        var exit = await AuditCommand.RunAsync(args, configuration, AuditEngine.OpenReadOnlyTrail, _output, Ct);
        Assert.DoesNotContain(Password, _output.ToString(), StringComparison.Ordinal);
        return exit;
    }

    private async Task AppendAsync(int count)
    {
        var records = new AuditContractRecords();
        await using var sink = Audit.Sink();
        await sink.OpenAsync(null, Ct);
        var batch = new AuditBatch();
        for (var i = 0; i < count; i++)
        {
            batch.Add(records.Record($"c{i}"));
        }

        await sink.AppendAsync(batch, Ct);
    }
}
