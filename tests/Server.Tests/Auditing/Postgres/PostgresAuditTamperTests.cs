using ELicense.Server.Auditing;
using ELicense.Server.Tests.Postgres;
using Xunit;

namespace ELicense.Server.Tests.Auditing.Postgres;

/// <summary>
/// Tampering with the PostgreSQL trail through SQL, as someone with write access to the database would:
/// each change is found by <see cref="AuditChainVerifier"/> reading the trail as <c>audit verify</c> does.
/// The trail: 300 records in three blocks (seq 1-128, 129-256, 257-300).
/// </summary>
public sealed class PostgresAuditTamperTests(PostgresFixture postgres) : PostgresAuditTestBase(postgres), IClassFixture<PostgresFixture>
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await using var sink = Audit.Sink();
        await sink.OpenAsync(null, Ct);
        var batch = new AuditBatch();
        for (var i = 1; i <= 300; i++)
        {
            batch.Add(Records.Record($"caller-{i}", subject: $"L:{i % 7}"));
        }

        await sink.AppendAsync(batch, Ct);
    }

    [Theory]
    [InlineData("a byte of a record altered", "UPDATE audit.block SET records = set_byte(records, 40, get_byte(records, 40) # 1) WHERE first_seq = 129",
        AuditProblemKind.Altered, 129)]
    [InlineData("a block removed from the middle", "DELETE FROM audit.block WHERE first_seq = 129", AuditProblemKind.Removed, 129)]
    [InlineData("two blocks swapped", """
        UPDATE audit.block SET records = CASE first_seq WHEN 1 THEN (SELECT records FROM audit.block WHERE first_seq = 129)
                                                        ELSE (SELECT records FROM audit.block WHERE first_seq = 1) END
        WHERE first_seq IN (1, 129)
        """, AuditProblemKind.Removed, 1)] // block 1 now starts at seq 129
    [InlineData("the tail truncated", "DELETE FROM audit.block WHERE first_seq = 257", AuditProblemKind.Removed, 257)]
    [InlineData("the head moved back", "UPDATE audit.head SET head_seq = 299, record_count = 299", AuditProblemKind.Inserted, 300)]
    [InlineData("the head moved on", "UPDATE audit.head SET head_seq = 301, record_count = 301", AuditProblemKind.Removed, 301)]
    [InlineData("the head's hash replaced", "UPDATE audit.head SET head_hash = decode(repeat('ab', 32), 'hex')", AuditProblemKind.HeadMismatch, 300)]
    [InlineData("the head row deleted", "DELETE FROM audit.head", AuditProblemKind.HeadMismatch, 300)]
    public async Task VerifyAsync_TamperedThroughSql_Detected(string tampering, string sql, AuditProblemKind kind, long sequence)
    {
        Assert.True((await VerifyAsync()).Intact);

        await Audit.ExecuteAsync(sql);

        var result = await VerifyAsync();
        Assert.False(result.Intact, $"{tampering} went unnoticed");
        Assert.Equal((kind, sequence), (result.Problem!.Kind, result.Problem.Sequence));
    }

    [Fact]
    public async Task VerifyAsync_ForgedBlockInsertedInTheMiddle_Detected()
    {
        // A well-formed block of one record with seq 150, chained from a made-up head: bytes the writer could have written.
        var forged = new AuditBatch();
        forged.Add(Records.Record("forger"));
        var block = forged.ChainFrom(new AuditStoredHead(149, 149, new byte[AuditChain.HashSize])).Single();
        await using (var connection = await Audit.DataSource.OpenConnectionAsync(Ct))
        await using (var insert = new Npgsql.NpgsqlCommand("INSERT INTO audit.block (first_seq, last_seq, records) VALUES (150, 150, $1)", connection))
        {
            insert.Parameters.Add(new Npgsql.NpgsqlParameter<byte[]> { TypedValue = block.Records.ToArray() });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var result = await VerifyAsync();
        Assert.False(result.Intact);
        Assert.Equal(AuditProblemKind.Inserted, result.Problem!.Kind);
    }

    [Fact]
    public async Task VerifyAsync_BlockColumnRetyped_ReportedAsAlteredNotACrash()
    {
        await Audit.ExecuteAsync("ALTER TABLE audit.block ALTER COLUMN last_seq TYPE integer");

        var result = await VerifyAsync();
        Assert.Equal((AuditProblemKind.Altered, 1L), (result.Problem!.Kind, result.Problem.Sequence));
        Assert.Contains("wrong type or is missing", result.Problem.Description, StringComparison.Ordinal);
    }

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var trail = Audit.Trail();
        return await AuditChainVerifier.VerifyAsync(trail, Ct);
    }
}
