using ELicense.Server.Auditing;
using ELicense.Server.Tests.Auditing.Contract;
using ELicense.Server.Tests.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary>
/// The durability promises on PostgreSQL: commits are synchronous whatever the database's default, and a
/// cluster that stops under load fails the waiting appends, loses nothing acknowledged, and the writer
/// recovers on its own once the cluster is back. (This class stops its own cluster.)
/// </summary>
public sealed class PostgresAuditDurabilityTests(PostgresFixture postgres) : PostgresAuditTestBase(postgres), IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("off")]
    [InlineData("local")]
    public async Task OpenAsync_DatabaseDefaultWeaker_WriterSessionCommitsSynchronously(string weaker)
    {
        var database = new NpgsqlConnectionStringBuilder(Audit.ConnectionString).Database;
        await Audit.ExecuteAsync($"ALTER DATABASE \"{database}\" SET synchronous_commit = {weaker}");
        await using (var plain = await Audit.DataSource.OpenConnectionAsync(Ct))
        await using (var show = new NpgsqlCommand("SHOW synchronous_commit", plain))
        {
            Assert.Equal(weaker, await show.ExecuteScalarAsync(Ct)); // the default a new session inherits
        }

        await using var sink = Audit.Sink();
        await sink.OpenAsync(null, Ct);

        Assert.Equal("on", await sink.WriterSettingAsync("synchronous_commit", Ct));
        var batch = new AuditBatch();
        batch.Add(Records.Record("durable"));
        await sink.AppendAsync(batch, Ct);
        Assert.Equal("on", await sink.WriterSettingAsync("synchronous_commit", Ct)); // and it stays so across commits
    }

    [Fact]
    public async Task AppendAsync_ClusterStoppedUnderLoad_WaitingCallsFailNothingAcknowledgedLostWriterRecovers()
    {
        var options = Audit.Options();
        options.SubjectIndexInterval = TimeSpan.FromMinutes(10); // the indexer stays out of the way
        var sink = new FaultInjectingSink(Audit.Sink());
        await using var log = new AuditWriter(sink, options, NullLogger.Instance, TimeProvider.System, null);
        await log.StartAsync(Ct);
        var acknowledged = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            await log.AppendAsync(Records.Record($"before{i}"), Ct);
            acknowledged.Add($"before{i}");
        }

        // A batch handed to the sink, more queued behind it; then the cluster goes away as in a crash.
        sink.Hold();
        var pending = Enumerable.Range(0, 50).Select(i => log.AppendAsync(Records.Record($"pending{i}"), Ct).AsTask()).ToList();
        await sink.AppendArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Postgres.Cluster.StopAsync("immediate", Ct);
        try
        {
            sink.Release();
            foreach (var append in pending)
            {
                await Assert.ThrowsAsync<AuditUnavailableException>(() => append.WaitAsync(TimeSpan.FromSeconds(60), Ct));
            }

            Assert.False(log.CommitState.CanCommit);
        }
        finally
        {
            await Postgres.Cluster.StartAgainAsync(Ct);
        }

        // Back: the writer reopens the sink by itself on the next batch (bounded: a real server restarted).
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await log.AppendAsync(Records.Record($"after{attempt}"), Ct);
                acknowledged.Add($"after{attempt}");
                break;
            }
            catch (AuditUnavailableException) when (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(100, Ct);
            }
        }

        Assert.True(log.CommitState.CanCommit);
        await log.DisposeAsync();
        await using var trail = Audit.Trail();
        var stored = (await AuditContractRecords.ReadAllAsync(trail, Ct)).Select(e => e.Record.CallerId).ToList();
        Assert.Empty(acknowledged.Except(stored)); // no acknowledged record lost
        Assert.DoesNotContain(stored, caller => caller.StartsWith("pending", StringComparison.Ordinal));
        Assert.True((await AuditChainVerifier.VerifyAsync(trail, Ct)).Intact);
    }
}
