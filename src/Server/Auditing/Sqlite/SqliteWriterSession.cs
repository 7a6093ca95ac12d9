using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>The writer's connection to the audit file with its prepared statements and their parameters.</summary>
internal sealed class SqliteWriterSession : IDisposable
{
    private const string InsertSql = "INSERT INTO audit_block (first_seq, last_seq, records) VALUES (?1, ?2, ?3)";

    private const string UpdateMetaSql = "UPDATE meta SET record_count = $count, head_seq = $seq, head_hash = $hash WHERE id = 1";

    private const string SelectMeta = "SELECT record_count, head_seq, head_hash FROM meta WHERE id = 1";

    private readonly SqliteCommand _selectHead;
    private readonly SqliteCommand _updateMeta;
    private readonly SqliteParameter _metaCount, _metaSeq, _metaHash;
    private sqlite3_stmt? _raw;

    private SqliteWriterSession(SqliteConnection connection)
    {
        Connection = connection;
        _selectHead = connection.CreateCommand();
        _selectHead.CommandText = SelectMeta;
        _updateMeta = connection.CreateCommand();
        _updateMeta.CommandText = UpdateMetaSql;
        _metaCount = _updateMeta.Parameters.Add("$count", SqliteType.Integer);
        _metaSeq = _updateMeta.Parameters.Add("$seq", SqliteType.Integer);
        _metaHash = _updateMeta.Parameters.Add("$hash", SqliteType.Blob);
    }

    public SqliteConnection Connection { get; }

    /// <summary>
    /// Opens the writer's connection, creates the schema and claims the subject key in one transaction;
    /// <paramref name="storedFingerprint"/> is the key fingerprint the file holds (null when none was given).
    /// </summary>
    public static SqliteWriterSession Open(string connectionString, int busyTimeoutMs, byte[]? fingerprint, out byte[]? storedFingerprint)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            // synchronous = FULL: each commit fsyncs the WAL, so an acknowledged record survives a crash or
            // a power loss (see SqliteAuditSink). Both settings are per connection except journal_mode,
            // which is persistent in the file.
            Execute(connection, $"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                Execute(connection, SqliteAuditSchema.Tables, transaction);
                storedFingerprint = fingerprint is null ? null : ClaimSubjectKey(connection, transaction, fingerprint);
                transaction.Commit();
            }

            return new SqliteWriterSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The first writer stores its fingerprint; every later one reads the stored one (the writer compares).</summary>
    private static byte[] ClaimSubjectKey(SqliteConnection connection, SqliteTransaction transaction, byte[] fingerprint)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS subject_key (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint BLOB NOT NULL);
            INSERT OR IGNORE INTO subject_key (id, fingerprint) VALUES (1, $fingerprint);
            SELECT fingerprint FROM subject_key WHERE id = 1;
            """;
        command.Parameters.AddWithValue("$fingerprint", fingerprint);
        return (byte[])command.ExecuteScalar()!;
    }

    /// <summary>Reads the chain head inside the write transaction.</summary>
    public AuditStoredHead ReadHead(SqliteTransaction transaction)
    {
        _selectHead.Transaction = transaction;
        using var reader = _selectHead.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException("The audit file has no meta row.");
        }

        var count = reader.GetInt64(0);
        var sequence = reader.GetInt64(1);
        var hash = reader.GetValue(2) is byte[] { Length: AuditChain.HashSize } head ? head
            : throw new InvalidOperationException("The audit file's meta row holds no valid head hash.");
        return new AuditStoredHead(count, sequence, hash);
    }

    /// <summary>Stores the head after the batch, in the same transaction as its blocks.</summary>
    public void WriteHead(SqliteTransaction transaction, AuditStoredHead head)
    {
        _updateMeta.Transaction = transaction;
        _metaCount.Value = head.Count;
        _metaSeq.Value = head.Sequence;
        _metaHash.Value = head.Hash;
        _updateMeta.ExecuteNonQuery();
    }

    /// <summary>
    /// Inserts one block through SQLite's own API: bound by index, no boxing, no data reader, the
    /// bytes copied once by SQLite straight from the batch's buffer.
    /// </summary>
    public void InsertBlock(long firstSequence, long lastSequence, ReadOnlySpan<byte> records)
    {
        _raw ??= Prepare();
        var statement = _raw;
        raw.sqlite3_bind_int64(statement, 1, firstSequence);
        raw.sqlite3_bind_int64(statement, 2, lastSequence);
        raw.sqlite3_bind_blob(statement, 3, records);
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            throw new SqliteException($"Audit insert failed: {raw.sqlite3_errmsg(Connection.Handle).utf8_to_string()}", rc);
        }
    }

    private sqlite3_stmt Prepare()
    {
        var rc = raw.sqlite3_prepare_v2(Connection.Handle, InsertSql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"Audit insert could not be prepared: {raw.sqlite3_errmsg(Connection.Handle).utf8_to_string()}", rc);
        }

        return statement;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _raw?.Dispose();
        _selectHead.Dispose();
        _updateMeta.Dispose();
        Connection.Dispose();
    }
}
