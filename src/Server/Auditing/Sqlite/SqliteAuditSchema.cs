namespace ELicense.Server.Auditing.Sqlite;

/// <summary>
/// The audit file's tables (schema 2: blocks, see <see cref="AuditChain"/>) and the schema-1 table older
/// files still hold. The record format and the chain are <see cref="AuditChain"/>'s, not this file's.
/// </summary>
internal static class SqliteAuditSchema
{
    public const int SchemaVersion = 2;

    public static readonly string Tables = $$"""
        CREATE TABLE IF NOT EXISTS audit_block (
            first_seq INTEGER PRIMARY KEY,
            last_seq  INTEGER NOT NULL,
            records   BLOB NOT NULL
        );

        -- Schema-1 files (one row per record in audit) may carry this index; every commit paid for it.
        DROP INDEX IF EXISTS ix_audit_subject;

        CREATE TABLE IF NOT EXISTS meta (
            id             INTEGER PRIMARY KEY CHECK (id = 1),
            schema_version INTEGER NOT NULL,
            record_count   INTEGER NOT NULL,
            head_seq       INTEGER NOT NULL,
            head_hash      BLOB NOT NULL
        );

        INSERT OR IGNORE INTO meta (id, schema_version, record_count, head_seq, head_hash)
        VALUES (1, {{SchemaVersion}}, 0, 0, zeroblob(32));
        UPDATE meta SET schema_version = {{SchemaVersion}} WHERE id = 1 AND schema_version < {{SchemaVersion}};
        """;

    /// <summary>The schema-1 table of one row per record; files written since have none.</summary>
    public const string LegacyTable = "audit";

    public const string RecordColumns = "seq, time_unix_ms, caller_id, device_id, method, subject, purpose, result, source";
}
