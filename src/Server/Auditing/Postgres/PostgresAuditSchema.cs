using ELicense.Server.Postgres;
using Npgsql;

namespace ELicense.Server.Auditing.Postgres;

/// <summary>
/// The audit trail's PostgreSQL schema <c>audit</c> (its own, so that it may share the registry's
/// database): blocks and the committed head as on SQLite (see <see cref="AuditChain"/>), the subject
/// key's fingerprint, and the subject index. Created and migrated by <see cref="PostgresMigrator"/>.
/// </summary>
/// <remarks>
/// <para>
/// <c>audit.block</c> holds a group commit's records as blocks of up to
/// <see cref="AuditChain.MaxBlockRecords"/> records each, keyed by the first record's sequence: the very
/// bytes the SQLite engine stores, so that both are read and verified by the same code. The previous
/// hash is not stored (it is the hash before it in the trail).
/// </para>
/// <para>
/// <c>audit.head</c> is one row (count, last sequence, last hash), locked and advanced once per group
/// commit, in the same transaction as the batch's blocks: writers on several replicas take turns per
/// batch, never per record, and removing records from the end is caught as on SQLite.
/// </para>
/// <para>
/// The subject index (derived data): <c>audit.subject_entry</c> (a subject's UTF-8 bytes, its record's
/// sequence; the primary key is the lookup index) and <c>audit.subject_progress</c>, the last record
/// indexed by sequence and hash. Subjects are bytes rather than text because a record's text may hold a
/// NUL, which PostgreSQL's text type cannot.
/// </para>
/// </remarks>
internal static class PostgresAuditSchema
{
    /// <summary>The PostgreSQL schema of every audit table.</summary>
    public const string Name = "audit";

    /// <summary>The migrations, in order; a released one is never edited (add the next instead).</summary>
    public static readonly IReadOnlyList<PostgresMigration> Migrations =
    [
        new(1, "audit trail: blocks, head, subject key, subject index", """
            CREATE TABLE audit.block (
                first_seq bigint PRIMARY KEY,
                last_seq  bigint NOT NULL,
                records   bytea NOT NULL
            );
            CREATE TABLE audit.head (
                id           smallint PRIMARY KEY CHECK (id = 1),
                record_count bigint NOT NULL,
                head_seq     bigint NOT NULL,
                head_hash    bytea NOT NULL
            );
            INSERT INTO audit.head (id, record_count, head_seq, head_hash) VALUES (1, 0, 0, decode(repeat('00', 32), 'hex'));
            CREATE TABLE audit.subject_key (
                id          smallint PRIMARY KEY CHECK (id = 1),
                fingerprint bytea NOT NULL
            );
            CREATE TABLE audit.subject_entry (
                subject bytea NOT NULL,
                seq     bigint NOT NULL,
                PRIMARY KEY (subject, seq)
            );
            CREATE TABLE audit.subject_progress (
                id           smallint PRIMARY KEY CHECK (id = 1),
                indexed_seq  bigint NOT NULL,
                indexed_hash bytea NOT NULL
            );
            INSERT INTO audit.subject_progress (id, indexed_seq, indexed_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
            """),
    ];

    /// <summary>The committed head, as every view reads it.</summary>
    public const string SelectHead = "SELECT record_count, head_seq, head_hash FROM audit.head WHERE id = 1";

    /// <summary>The committed head inside an append: the row lock is what makes writers take turns, per batch.</summary>
    public const string LockHead = SelectHead + " FOR UPDATE";

    public const string UpdateHead = "UPDATE audit.head SET record_count = $1, head_seq = $2, head_hash = $3 WHERE id = 1";

    public const string InsertBlock = "INSERT INTO audit.block (first_seq, last_seq, records) VALUES ($1, $2, $3)";

    /// <summary>The first writer's fingerprint stays; every later one reads it (the writer compares).</summary>
    public const string ClaimSubjectKey = "INSERT INTO audit.subject_key (id, fingerprint) VALUES (1, $1) ON CONFLICT (id) DO NOTHING";

    public const string SelectSubjectKey = "SELECT fingerprint FROM audit.subject_key WHERE id = 1";

    /// <summary>Creates or migrates the schema (once, under the migrator's advisory lock).</summary>
    public static Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        PostgresMigrator.MigrateAsync(dataSource, Name, Migrations, cancellationToken);
}
