using ELicense.Server.Auditing;
using ELicense.Server.Tests.Postgres;
using Npgsql;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary>
/// The writer's transaction isolation on PostgreSQL: its head lock must wait for another replica's
/// commit and continue from the head that commit stored, whatever default isolation the database sets.
/// </summary>
public sealed class PostgresAuditIsolationTests(PostgresFixture postgres) : PostgresAuditTestBase(postgres), IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("repeatable read")]
    [InlineData("serializable")]
    public async Task AppendAsync_StricterDatabaseDefaultAndHeadMovedWhileWaiting_CommitsAfterTheOtherReplica(string isolation)
    {
        // Before any session of the data source: a session takes the database's defaults when it starts.
        var database = new NpgsqlConnectionStringBuilder(Audit.ConnectionString).Database;
        await Audit.ExecuteAsync($"ALTER DATABASE \"{database}\" SET default_transaction_isolation = '{isolation}'");
        await using var sink = Audit.Sink();
        await sink.OpenAsync(null, Ct);
        Assert.Equal(isolation, await sink.WriterSettingAsync("default_transaction_isolation", Ct));

        // Another replica holds the head and moves it (a new row version); this append waits for it.
        await using var other = await Audit.DataSource.OpenConnectionAsync(Ct);
        await using var otherCommit = await other.BeginTransactionAsync(Ct);
        await using (var move = new NpgsqlCommand("UPDATE audit.head SET record_count = record_count WHERE id = 1", other, otherCommit))
        {
            await move.ExecuteNonQueryAsync(Ct);
        }

        var batch = new AuditBatch();
        batch.Add(Records.Record("waited"));
        var append = sink.AppendAsync(batch, Ct).AsTask();
        await WaitForLockWaitAsync(Audit.DataSource);
        await otherCommit.CommitAsync(Ct);

        await append.WaitAsync(TimeSpan.FromSeconds(30), Ct); // not a serialization failure
        await using var trail = Audit.Trail();
        var result = await AuditChainVerifier.VerifyAsync(trail, Ct);
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal((1L, 1L), (result.RecordsChecked, result.HeadSequence));
    }

    /// <summary>Until a session of this database waits on a lock (bounded: a real server's backends).</summary>
    /// <remarks>On a connection of its own, outside any transaction: a transaction caches what the statistics views show.</remarks>
    private static async Task WaitForLockWaitAsync(NpgsqlDataSource dataSource)
    {
        await using var observer = await dataSource.OpenConnectionAsync(Ct);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", observer);
        while ((long)(await waiting.ExecuteScalarAsync(Ct))! == 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the append never waited for the head lock");
            await Task.Delay(20, Ct);
        }
    }
}
