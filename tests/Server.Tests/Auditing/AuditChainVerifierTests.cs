using ELicense.Server.Auditing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

public sealed class AuditChainVerifierTests : IAsyncLifetime
{
    private const int Records = 10;

    private readonly TempAudit _audit = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _audit.WriteRecordsAsync(Records);

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    private Task<AuditVerification> VerifyAsync() => AuditChainVerifier.VerifyAsync(_audit.Path, Ct);

    private static void AssertProblem(AuditVerification result, AuditProblemKind kind, long sequence)
    {
        Assert.False(result.Intact);
        Assert.Equal(kind, result.Problem!.Kind);
        Assert.Equal(sequence, result.Problem.Sequence);
        Assert.Contains($"seq {sequence}", result.Problem.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_Untouched_IntactWithCommittedHead()
    {
        var result = await VerifyAsync();

        Assert.True(result.Intact);
        Assert.Equal(Records, result.RecordsChecked);
        Assert.Equal(Records, result.HeadSequence);
        using var connection = _audit.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash FROM audit WHERE seq = 10";
        Assert.Equal((byte[])command.ExecuteScalar()!, result.HeadHash);
    }

    [Fact]
    public async Task VerifyAsync_EmptyLog_IntactWithZeroHead()
    {
        await using var empty = new TempAudit();
        await (await empty.OpenAsync()).DisposeAsync();

        var result = await AuditChainVerifier.VerifyAsync(empty.Path, Ct);

        Assert.True(result.Intact);
        Assert.Equal(0, result.RecordsChecked);
        Assert.Equal(new byte[32], result.HeadHash);
    }

    [Theory]
    [InlineData("result = 'INVALID'")]
    [InlineData("caller_id = 'someone else'")]
    [InlineData("device_id = 'device-2'")]
    [InlineData("method = '/elicense.v1.HolderService/ListLicenseChecks'")]
    [InlineData("subject = 'L:ffffffffffffffffffffffffffffffff'")]
    [InlineData("time_unix_ms = time_unix_ms + 1")]
    [InlineData("purpose = 2")]
    [InlineData("source = 3")]
    [InlineData("prev_hash = zeroblob(32)")]
    [InlineData("hash = zeroblob(32)")]
    [InlineData("result = x'56414c4944'")] // the same bytes as a blob, not text
    [InlineData("purpose = 'one'")]
    [InlineData("caller_id = 'c4d', device_id = 'evice-1'")] // a byte moved between adjacent fields: same concatenation
    public async Task VerifyAsync_FieldAltered_ReportsAlteredAtThatRecord(string assignment)
    {
        _audit.Execute($"UPDATE audit SET {assignment} WHERE seq = 4;");

        AssertProblem(await VerifyAsync(), AuditProblemKind.Altered, 4);
    }

    [Fact]
    public async Task VerifyAsync_MiddleRecordDeleted_ReportsRemoved()
    {
        _audit.Execute("DELETE FROM audit WHERE seq = 5;");

        AssertProblem(await VerifyAsync(), AuditProblemKind.Removed, 5);
    }

    [Fact]
    public async Task VerifyAsync_LastRecordDeleted_ReportsRemovedThroughCommittedHead()
    {
        _audit.Execute("DELETE FROM audit WHERE seq = 10;");

        AssertProblem(await VerifyAsync(), AuditProblemKind.Removed, 10);
    }

    [Fact]
    public async Task VerifyAsync_TwoRecordsContentsSwapped_ReportsAlteredAtTheFirst()
    {
        _audit.Execute("""
            UPDATE audit SET seq = -3 WHERE seq = 3;
            UPDATE audit SET seq = 3 WHERE seq = 4;
            UPDATE audit SET seq = 4 WHERE seq = -3;
            """);

        AssertProblem(await VerifyAsync(), AuditProblemKind.Altered, 3);
    }

    [Fact]
    public async Task VerifyAsync_ForgedRecordAppendedWithValidHash_ReportsInsertedBeyondCommittedHead()
    {
        Forge(11, prevHash: Hash(10));

        AssertProblem(await VerifyAsync(), AuditProblemKind.Inserted, 11);
    }

    [Fact]
    public async Task VerifyAsync_ForgedRecordBeforeTheFirst_ReportsInserted()
    {
        Forge(0, prevHash: new byte[32]);

        AssertProblem(await VerifyAsync(), AuditProblemKind.Inserted, 0);
    }

    [Fact]
    public async Task VerifyAsync_RecordReplacedWithRecomputedHash_ReportsBrokenLinkAtTheNext()
    {
        _audit.Execute("DELETE FROM audit WHERE seq = 4;");
        Forge(4, prevHash: Hash(3));

        AssertProblem(await VerifyAsync(), AuditProblemKind.BrokenLink, 5);
    }

    [Fact]
    public async Task VerifyAsync_FirstRecordRechainedFromNonZero_ReportsBadFirstRecord()
    {
        _audit.Execute("DELETE FROM audit WHERE seq = 1;");
        Forge(1, prevHash: Enumerable.Repeat((byte)1, 32).ToArray());

        AssertProblem(await VerifyAsync(), AuditProblemKind.BadFirstRecord, 1);
    }

    [Fact]
    public async Task VerifyAsync_MetaRowDeleted_ReportsHeadMismatch()
    {
        _audit.Execute("DELETE FROM meta;");

        Assert.Equal(AuditProblemKind.HeadMismatch, (await VerifyAsync()).Problem?.Kind);
    }

    [Fact]
    public async Task VerifyAsync_CommittedCountAltered_ReportsHeadMismatch()
    {
        _audit.Execute("UPDATE meta SET record_count = 9;");

        Assert.Equal(AuditProblemKind.HeadMismatch, (await VerifyAsync()).Problem?.Kind);
    }

    /// <summary>
    /// The documented limit: whoever can write the whole file can truncate it and rewrite the head to
    /// match. Only a head anchored outside the file (see <see cref="AuditChainVerifier"/>) reveals it.
    /// </summary>
    [Fact]
    public async Task VerifyAsync_TruncatedAndHeadRewritten_IsNotDetectableFromTheFileAlone()
    {
        var anchored = (await VerifyAsync()).HeadHash;
        _audit.Execute("DELETE FROM audit WHERE seq = 10; UPDATE meta SET record_count = 9, head_seq = 9, head_hash = (SELECT hash FROM audit WHERE seq = 9);");

        var result = await VerifyAsync();

        Assert.True(result.Intact);
        Assert.NotEqual(anchored, result.HeadHash); // ...but the head no longer matches an anchored copy
    }

    [Fact]
    public async Task VerifyAsync_MissingFile_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => AuditChainVerifier.VerifyAsync(_audit.Path + ".nope", Ct));
    }

    [Fact]
    public async Task VerifyAsync_ProgressReported_EndsWithAllChecked()
    {
        var reports = new List<AuditVerifyProgress>();

        await AuditChainVerifier.VerifyAsync(_audit.Path, new SyncProgress(reports.Add), Ct);

        Assert.Equal(new AuditVerifyProgress(Records, Records), reports[^1]);
    }

    private byte[] Hash(long sequence)
    {
        using var connection = _audit.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT hash FROM audit WHERE seq = {sequence}";
        return (byte[])command.ExecuteScalar()!;
    }

    /// <summary>Inserts a record whose hash is correct for its content, as an attacker knowing the format would.</summary>
    private void Forge(long sequence, byte[] prevHash)
    {
        const long time = 1_795_000_000_000;
        var hash = new byte[32];
        var buffer = Array.Empty<byte>();
        AuditChain.ComputeHash(prevHash, sequence, time, "forger", "device-x", "/m", "L:00", 1, "VALID", 3, ref buffer, hash);
        using var connection = _audit.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit (seq, time_unix_ms, caller_id, device_id, method, subject, purpose, result, source, prev_hash, hash)
            VALUES ($seq, $time, 'forger', 'device-x', '/m', 'L:00', 1, 'VALID', 3, $prev, $hash)
            """;
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$time", time);
        command.Parameters.Add("$prev", SqliteType.Blob).Value = prevHash;
        command.Parameters.Add("$hash", SqliteType.Blob).Value = hash;
        command.ExecuteNonQuery();
    }

    private sealed class SyncProgress(Action<AuditVerifyProgress> report) : IProgress<AuditVerifyProgress>
    {
        public void Report(AuditVerifyProgress value) => report(value);
    }
}
