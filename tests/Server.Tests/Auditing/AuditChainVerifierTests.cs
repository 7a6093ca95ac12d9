using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

public sealed class AuditChainVerifierTests : IAsyncLifetime
{
    private const int Records = 10;

    private readonly TempAudit _audit = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _audit.WriteRecordsAsync(Records);

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    private Task<AuditVerification> VerifyAsync() => _audit.VerifyAsync();

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
        Assert.Equal(_audit.Stored()[^1].Hash, result.HeadHash);
    }

    [Fact]
    public async Task VerifyAsync_EmptyLog_IntactWithZeroHead()
    {
        await using var empty = new TempAudit();
        await (await empty.OpenAsync()).DisposeAsync();

        var result = await empty.VerifyAsync();

        Assert.True(result.Intact);
        Assert.Equal(0, result.RecordsChecked);
        Assert.Equal(new byte[32], result.HeadHash);
    }

    /// <summary>Each alteration of record 4's fields, as an editor of the file could make it.</summary>
    public static TheoryData<string> Alterations => [.. Alter.Keys];

    private static readonly Dictionary<string, Func<StoredRecord, StoredRecord>> Alter = new()
    {
        ["result"] = r => r with { Result = "INVALID" },
        ["caller"] = r => r with { CallerId = "someone else" },
        ["device"] = r => r with { DeviceId = "device-2" },
        ["method"] = r => r with { Method = "/elicense.v1.HolderService/ListLicenseChecks" },
        ["subject"] = r => r with { Subject = "L:ffffffffffffffffffffffffffffffff" },
        ["time"] = r => r with { TimeUnixMs = r.TimeUnixMs + 1 },
        ["purpose"] = r => r with { Purpose = 2 },
        ["source"] = r => r with { Source = 3 },
        ["hash"] = r => r with { Hash = new byte[32] },
        // A byte moved between adjacent fields: the same concatenation, told apart by the length prefixes.
        ["byte moved between fields"] = r => r with { CallerId = "c4d", DeviceId = "evice-1" },
    };

    [Theory]
    [MemberData(nameof(Alterations))]
    public async Task VerifyAsync_FieldAltered_ReportsAlteredAtThatRecord(string alteration)
    {
        _audit.Tamper(records => records.Select(r => r.Sequence == 4 ? Alter[alteration](r) : r));

        AssertProblem(await VerifyAsync(), AuditProblemKind.Altered, 4);
    }

    [Fact]
    public async Task VerifyAsync_AnyByteOfTheStoredRecordsFlipped_NeverIntact()
    {
        _audit.Replace(_audit.Stored(), perBlock: Records);
        byte[] original;
        using (var connection = _audit.Connect())
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT records FROM audit_block";
            original = (byte[])read.ExecuteScalar()!;
        }

        // Every byte of the block, each flipped on its own: a length, a sequence, a text byte, a hash byte.
        for (var i = 0; i < original.Length; i++)
        {
            var flipped = (byte[])original.Clone();
            flipped[i] ^= 0x01;
            SetRecords(flipped);

            var result = await VerifyAsync();

            Assert.False(result.Intact, $"byte {i} of {original.Length} flipped, yet the file verified");
        }
    }

    [Theory]
    [InlineData("records = 'text'")]
    [InlineData("records = x''")]
    [InlineData("records = substr(records, 1, length(records) - 1)")]
    [InlineData("records = records || x'00'")]
    [InlineData("last_seq = 'x'")]
    [InlineData("last_seq = last_seq + 1")]
    [InlineData("first_seq = 0")]
    public async Task VerifyAsync_BlockRowDamaged_ReportsAltered(string assignment)
    {
        _audit.Replace(_audit.Stored(), perBlock: Records);
        _audit.Execute($"UPDATE audit_block SET {assignment};");

        var result = await VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(AuditProblemKind.Altered, result.Problem!.Kind);
        Assert.Contains("block", result.Problem.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_MiddleRecordDeleted_ReportsRemoved()
    {
        _audit.Tamper(records => records.Where(r => r.Sequence != 5));

        AssertProblem(await VerifyAsync(), AuditProblemKind.Removed, 5);
    }

    [Fact]
    public async Task VerifyAsync_BlockDeleted_ReportsRemoved()
    {
        _audit.Replace(_audit.Stored(), perBlock: 4); // the second block holds seq 5 to 8
        _audit.Execute("DELETE FROM audit_block WHERE first_seq = (SELECT first_seq FROM audit_block ORDER BY first_seq LIMIT 1 OFFSET 1);");

        var result = await VerifyAsync();

        Assert.Equal(AuditProblemKind.Removed, result.Problem?.Kind);
        Assert.Contains("were removed", result.Problem!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_LastRecordDeleted_ReportsRemovedThroughCommittedHead()
    {
        _audit.Tamper(records => records.Where(r => r.Sequence != 10));

        AssertProblem(await VerifyAsync(), AuditProblemKind.Removed, 10);
    }

    [Fact]
    public async Task VerifyAsync_TwoRecordsContentsSwapped_ReportsAlteredAtTheFirst()
    {
        _audit.Tamper(records => records.Select(r => r.Sequence switch
        {
            3 => records[3] with { Sequence = 3 },
            4 => records[2] with { Sequence = 4 },
            _ => r,
        }));

        AssertProblem(await VerifyAsync(), AuditProblemKind.Altered, 3);
    }

    [Fact]
    public async Task VerifyAsync_TwoRecordsReordered_ReportsAProblemAtTheFirst()
    {
        _audit.Tamper(records => records.Select(r => r.Sequence switch { 3 => records[3], 4 => records[2], _ => r }));

        var result = await VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(3, result.Problem!.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_ForgedRecordAppendedWithValidHash_ReportsInsertedBeyondCommittedHead()
    {
        _audit.Tamper(records => [.. records, TempAudit.Forge(11, prevHash: records[^1].Hash)]);

        AssertProblem(await VerifyAsync(), AuditProblemKind.Inserted, 11);
    }

    [Fact]
    public async Task VerifyAsync_ForgedRecordBeforeTheFirst_ReportsInserted()
    {
        _audit.Tamper(records => [TempAudit.Forge(0, prevHash: new byte[32]), .. records]);

        AssertProblem(await VerifyAsync(), AuditProblemKind.Inserted, 0);
    }

    [Fact]
    public async Task VerifyAsync_RecordReplacedWithRecomputedHash_ReportsAlteredAtTheNext()
    {
        _audit.Tamper(records => records.Select(r => r.Sequence == 4 ? TempAudit.Forge(4, prevHash: records[2].Hash) : r));

        AssertProblem(await VerifyAsync(), AuditProblemKind.Altered, 5);
    }

    [Fact]
    public async Task VerifyAsync_FirstRecordRechainedFromNonZero_ReportsAlteredAtTheFirst()
    {
        _audit.Tamper(records => records.Select(r => r.Sequence == 1 ? TempAudit.Forge(1, prevHash: Enumerable.Repeat((byte)1, 32).ToArray()) : r));

        AssertProblem(await VerifyAsync(), AuditProblemKind.Altered, 1);
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
        var records = _audit.Stored();
        _audit.Replace(records.Take(9));
        using (var connection = _audit.Connect())
        using (var head = connection.CreateCommand())
        {
            head.CommandText = "UPDATE meta SET record_count = 9, head_seq = 9, head_hash = $hash";
            head.Parameters.AddWithValue("$hash", records[8].Hash);
            head.ExecuteNonQuery();
        }

        var result = await VerifyAsync();

        Assert.True(result.Intact);
        Assert.NotEqual(anchored, result.HeadHash); // ...but the head no longer matches an anchored copy
    }

    [Fact]
    public async Task VerifyAsync_MissingFile_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => AuditChainVerifier.VerifyAsync(AuditEngine.OpenReadOnlyTrail(new ConfigurationBuilder().Build(), _audit.Path + ".nope"), Ct));
    }

    [Fact]
    public async Task VerifyAsync_ProgressReported_EndsWithAllChecked()
    {
        var reports = new List<AuditVerifyProgress>();

        await AuditChainVerifier.VerifyAsync(_audit.Trail, new SyncProgress(reports.Add), Ct);

        Assert.Equal(new AuditVerifyProgress(Records, Records), reports[^1]);
    }

    private void SetRecords(byte[] records)
    {
        using var connection = _audit.Connect();
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE audit_block SET records = $records";
        update.Parameters.AddWithValue("$records", records);
        update.ExecuteNonQuery();
    }

    private sealed class SyncProgress(Action<AuditVerifyProgress> report) : IProgress<AuditVerifyProgress>
    {
        public void Report(AuditVerifyProgress value) => report(value);
    }
}
