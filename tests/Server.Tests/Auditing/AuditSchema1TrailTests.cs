using ELicense.Server.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>
/// Files written before blocks (schema 1: one row per record in <c>audit</c>): read, verified, listed
/// and continued in blocks without conversion, their tampering still caught.
/// </summary>
public sealed class AuditSchema1TrailTests : IAsyncLifetime
{
    private const string Mine = "L:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string Other = "V:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private readonly TempAudit _audit = new();
    private List<StoredRecord> _old = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _old = _audit.WriteSchema1Records(6, Mine, Other);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    private static AuditOptions Quiet(AuditOptions options)
    {
        options.SubjectIndexInterval = TimeSpan.FromMinutes(10);
        return options;
    }

    [Fact]
    public async Task VerifyAsync_Schema1File_IntactWithItsHead()
    {
        var result = await _audit.VerifyAsync();

        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(6, result.RecordsChecked);
        Assert.Equal(_old[^1].Hash, result.HeadHash);
    }

    [Fact]
    public async Task AppendAsync_Schema1File_ChainContinuesInBlocksAndVerifies()
    {
        var log = await _audit.OpenAsync(Quiet(_audit.Options()));
        for (var i = 0; i < 3; i++)
        {
            await log.AppendAsync(_audit.Record($"new{i}"), Ct);
        }

        await log.DisposeAsync();

        var result = await _audit.VerifyAsync();
        Assert.True(result.Intact, result.Problem?.Description);
        Assert.Equal(9, result.RecordsChecked);
        Assert.Equal(_old.Select(Key), _audit.Stored().Take(6).Select(Key));
        Assert.Equal(["new0", "new1", "new2"], _audit.Stored().Skip(6).Select(r => r.CallerId));
        Assert.Equal(6, _audit.Scalar("SELECT count(*) FROM audit")); // the old rows stay where they were
        Assert.Equal(ELicense.Server.Auditing.Sqlite.SqliteAuditSchema.SchemaVersion, _audit.Scalar("SELECT schema_version FROM meta"));
    }

    [Fact]
    public async Task ListBySubjectAsync_Schema1RowsAndBlocks_BothFoundNewestFirst()
    {
        var log = await _audit.OpenAsync(Quiet(_audit.Options()));
        await log.AppendAsync(_audit.Record("new-mine", Mine), Ct);

        var unindexed = await log.ListBySubjectAsync(Mine, null, 10, Ct);
        await log.IndexSubjectsAsync();
        await log.AppendAsync(_audit.Record("newer-mine", Mine), Ct);
        var indexed = await log.ListBySubjectAsync(Mine, null, 10, Ct);

        Assert.Equal(["new-mine", "old6", "old4", "old2"], unindexed.Select(e => e.Record.CallerId));
        Assert.Equal(["newer-mine", "new-mine", "old6", "old4", "old2"], indexed.Select(e => e.Record.CallerId));
        Assert.Equal([8L, 7, 6, 4, 2], indexed.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Open_Schema1FileWithTheOldSubjectIndex_IndexDropped()
    {
        await _audit.OpenAsync(Quiet(_audit.Options()));

        Assert.Equal(0, _audit.Scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'ix_audit_subject'"));
    }

    [Theory]
    [InlineData("result = 'INVALID'")]
    [InlineData("prev_hash = zeroblob(32)")]
    [InlineData("hash = zeroblob(32)")]
    [InlineData("result = x'56414c4944'")] // the same bytes as a blob, not text
    [InlineData("purpose = 'one'")]
    public async Task VerifyAsync_Schema1RowAltered_ReportsAlteredAtThatRecord(string assignment)
    {
        _audit.Execute($"UPDATE audit SET {assignment} WHERE seq = 4;");

        var result = await _audit.VerifyAsync();

        Assert.Equal(AuditProblemKind.Altered, result.Problem?.Kind);
        Assert.Equal(4, result.Problem!.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_Schema1RowReplacedWithRecomputedHash_ReportsBrokenLinkAtTheNext()
    {
        _audit.Execute("DELETE FROM audit WHERE seq = 4;");
        InsertRow(TempAudit.Forge(4, _old[2].Hash), _old[2].Hash);

        var result = await _audit.VerifyAsync();

        Assert.Equal((AuditProblemKind.BrokenLink, 5L), (result.Problem?.Kind, result.Problem?.Sequence));
    }

    [Fact]
    public async Task VerifyAsync_Schema1FirstRowRechainedFromNonZero_ReportsBadFirstRecord()
    {
        var ones = Enumerable.Repeat((byte)1, 32).ToArray();
        _audit.Execute("DELETE FROM audit WHERE seq = 1;");
        InsertRow(TempAudit.Forge(1, ones), ones);

        var result = await _audit.VerifyAsync();

        Assert.Equal((AuditProblemKind.BadFirstRecord, 1L), (result.Problem?.Kind, result.Problem?.Sequence));
    }

    [Fact]
    public async Task VerifyAsync_BlockThatDoesNotContinueTheSchema1Rows_ReportsAltered()
    {
        using (var connection = _audit.Connect())
        {
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE audit_block (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, records BLOB NOT NULL)";
            create.ExecuteNonQuery();
            // A record that hashes correctly, but chained from zeros instead of record 6.
            TempAudit.InsertBlock(connection, null, 7L, 7L, TempAudit.Encode([TempAudit.Forge(7, new byte[32])]));
        }

        var result = await _audit.VerifyAsync();

        Assert.Equal((AuditProblemKind.Altered, 7L), (result.Problem?.Kind, result.Problem?.Sequence));
    }

    private static (long, string, string, string) Key(StoredRecord r) => (r.Sequence, r.CallerId, r.Subject, Convert.ToHexString(r.Hash));

    private void InsertRow(StoredRecord r, byte[] prevHash)
    {
        using var connection = _audit.Connect();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO audit (seq, time_unix_ms, caller_id, device_id, method, subject, purpose, result, source, prev_hash, hash)
            VALUES ($seq, $time, $caller, $device, $method, $subject, $purpose, $result, $source, $prev, $hash)
            """;
        insert.Parameters.AddWithValue("$seq", r.Sequence);
        insert.Parameters.AddWithValue("$time", r.TimeUnixMs);
        insert.Parameters.AddWithValue("$caller", r.CallerId);
        insert.Parameters.AddWithValue("$device", r.DeviceId);
        insert.Parameters.AddWithValue("$method", r.Method);
        insert.Parameters.AddWithValue("$subject", r.Subject);
        insert.Parameters.AddWithValue("$purpose", r.Purpose);
        insert.Parameters.AddWithValue("$result", r.Result);
        insert.Parameters.AddWithValue("$source", r.Source);
        insert.Parameters.Add("$prev", SqliteType.Blob).Value = prevHash;
        insert.Parameters.Add("$hash", SqliteType.Blob).Value = r.Hash;
        insert.ExecuteNonQuery();
    }
}
