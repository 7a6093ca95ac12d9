using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using ELicense.Server.Auditing.Sqlite;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>An audit file in its own temporary folder, deleted (with its WAL files) on dispose.</summary>
internal sealed class TempAudit : IAsyncDisposable
{
    private readonly List<AuditWriter> _logs = [];

    public TempAudit()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("elicense-audit-").FullName;
        Path = System.IO.Path.Combine(Directory, "audit.db");
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    public string Directory { get; }

    public string Path { get; }

    /// <summary>The domain clock of the records' times (the log itself does not read it).</summary>
    public FakeTimeProvider Time { get; } = new(Start);

    public AuditOptions Options(int busyTimeoutMs = 5000, int maxBatch = 512) => new()
    {
        Path = Path,
        SubjectKeyPath = System.IO.Path.Combine(Directory, "subject-key.bin"),
        BusyTimeoutMs = busyTimeoutMs,
        MaxBatch = maxBatch,
    };

    /// <summary>The file, read only, as <c>audit verify</c> reads it.</summary>
    public IAuditTrailSource Trail => AuditEngine.OpenReadOnlyTrail(new ConfigurationBuilder().Build(), Path);

    /// <summary>Checks the file's chain (see <see cref="AuditChainVerifier"/>).</summary>
    public Task<AuditVerification> VerifyAsync() => AuditChainVerifier.VerifyAsync(Trail, TestContext.Current.CancellationToken);

    /// <summary>A started writer over a SQLite sink on the file, disposed with this.</summary>
    public async Task<AuditWriter> OpenAsync(AuditOptions? options = null)
    {
        var log = await SqliteAuditSink.OpenWriterAsync(options ?? Options(), NullLogger.Instance, TestContext.Current.CancellationToken);
        _logs.Add(log);
        return log;
    }

    /// <summary>A writer, not started, over a SQLite sink on the file with its own batch clock (disposed by the test).</summary>
    public static AuditWriter Writer(AuditOptions options, TimeProvider batchClock, byte[]? subjectKeyFingerprint = null) =>
        new(new SqliteAuditSink(options, NullLogger.Instance), options, NullLogger.Instance, batchClock, subjectKeyFingerprint);

    /// <summary>A record with the current fake time; <paramref name="caller"/> makes it recognisable.</summary>
    public AuditRecord Record(string caller, string subject = "L:00112233445566778899aabbccddeeff", string result = "VALID")
    {
        Time.Advance(TimeSpan.FromMilliseconds(7));
        return new AuditRecord(Time.GetUtcNow(), caller, "device-1", "/elicense.v1.VerifierService/Verify", subject,
            LookupPurpose.RoadsideCheck, result, DataSource.Memory);
    }

    /// <summary>A file holding <paramref name="count"/> records (callers "c1".."cN"), the log closed again.</summary>
    public async Task WriteRecordsAsync(int count)
    {
        await using var log = await SqliteAuditSink.OpenWriterAsync(Options(), NullLogger.Instance, TestContext.Current.CancellationToken);
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(Record($"c{i}"), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Appends <paramref name="count"/> more records (callers "m1".."mN") to the file, the log closed again.</summary>
    public async Task AppendMoreAsync(int count)
    {
        await using var log = await SqliteAuditSink.OpenWriterAsync(Options(), NullLogger.Instance, TestContext.Current.CancellationToken);
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(Record($"m{i}"), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// A schema-1 file (one row per record in <c>audit</c>, as servers wrote before blocks) holding
    /// <paramref name="count"/> chained records (callers "old1".."oldN", subjects cycling through
    /// <paramref name="subjects"/>), written the way that writer did.
    /// </summary>
    public List<StoredRecord> WriteSchema1Records(int count, params string[] subjects)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        using (var schema = connection.CreateCommand())
        {
            schema.Transaction = transaction;
            schema.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY, time_unix_ms INTEGER NOT NULL, caller_id TEXT NOT NULL, device_id TEXT NOT NULL,
                    method TEXT NOT NULL, subject TEXT NOT NULL, purpose INTEGER NOT NULL, result TEXT NOT NULL,
                    source INTEGER NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
                CREATE INDEX ix_audit_subject ON audit (subject, seq DESC);
                CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), schema_version INTEGER NOT NULL,
                    record_count INTEGER NOT NULL, head_seq INTEGER NOT NULL, head_hash BLOB NOT NULL);
                """;
            schema.ExecuteNonQuery();
        }

        var written = new List<StoredRecord>();
        var previous = new byte[AuditChain.HashSize];
        var buffer = Array.Empty<byte>();
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var r = Record($"old{sequence}", subjects.Length > 0 ? subjects[sequence % subjects.Length] : "L:00112233445566778899aabbccddeeff");
            var hash = new byte[AuditChain.HashSize];
            var time = r.Time.ToUnixTimeMilliseconds();
            AuditChain.ComputeHash(previous, sequence, time, r.CallerId, r.DeviceId, r.Method, r.Subject, (int)r.Purpose, r.Result, (int)r.Source, ref buffer, hash);
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO audit (seq, time_unix_ms, caller_id, device_id, method, subject, purpose, result, source, prev_hash, hash)
                VALUES ($seq, $time, $caller, $device, $method, $subject, $purpose, $result, $source, $prev, $hash)
                """;
            foreach (var (name, value) in new (string, object)[]
            {
                ("$seq", sequence), ("$time", time), ("$caller", r.CallerId), ("$device", r.DeviceId), ("$method", r.Method),
                ("$subject", r.Subject), ("$purpose", (int)r.Purpose), ("$result", r.Result), ("$source", (int)r.Source),
                ("$prev", previous), ("$hash", hash),
            })
            {
                insert.Parameters.AddWithValue(name, value);
            }

            insert.ExecuteNonQuery();
            written.Add(new StoredRecord(sequence, time, r.CallerId, r.DeviceId, r.Method, r.Subject, (int)r.Purpose, r.Result, (int)r.Source, hash));
            previous = hash;
        }

        using (var meta = connection.CreateCommand())
        {
            meta.Transaction = transaction;
            meta.CommandText = "INSERT INTO meta VALUES (1, 1, $count, $count, $head)";
            meta.Parameters.AddWithValue("$count", count);
            meta.Parameters.AddWithValue("$head", previous);
            meta.ExecuteNonQuery();
        }

        transaction.Commit();
        return written;
    }

    /// <summary>A raw connection to the file, as an attacker or another process would have.</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public long Scalar(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The records as the file stores them, in stored order (a record that cannot be read fails the test).</summary>
    public List<StoredRecord> Stored()
    {
        using var connection = Connect();
        var records = new List<StoredRecord>();
        foreach (var entry in new SqliteTrailReader(connection, null).ReadAfter(null))
        {
            Assert.Null(entry.Problem);
            Assert.True(AuditChain.TryDecodeBody(entry.Body.Span, out var sequence, out var record));
            records.Add(new StoredRecord(sequence, record.Time.ToUnixTimeMilliseconds(), record.CallerId, record.DeviceId, record.Method,
                record.Subject, (int)record.Purpose, record.Result, (int)record.Source, entry.Hash.ToArray()));
        }

        return records;
    }

    /// <summary>
    /// Replaces the file's blocks with <paramref name="records"/> as given, <paramref name="perBlock"/> to a
    /// block, hashes as they are (an attacker editing the file; <see cref="Forge"/> makes valid ones).
    /// </summary>
    public void Replace(IEnumerable<StoredRecord> records, int perBlock = 4)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM audit_block";
            delete.ExecuteNonQuery();
        }

        foreach (var block in records.Chunk(perBlock))
        {
            InsertBlock(connection, transaction, block[0].Sequence, block[^1].Sequence, Encode(block));
        }

        transaction.Commit();
    }

    /// <summary>Rewrites the stored records through <paramref name="change"/> (see <see cref="Replace"/>).</summary>
    public void Tamper(Func<List<StoredRecord>, IEnumerable<StoredRecord>> change) => Replace(change(Stored()).ToList());

    /// <summary>A record whose hash is right for its content and <paramref name="prevHash"/>, as an attacker knowing the format would make.</summary>
    public static StoredRecord Forge(long sequence, byte[] prevHash)
    {
        var record = new StoredRecord(sequence, 1_795_000_000_000, "forger", "device-x", "/m", "L:00", 1, "VALID", 3, []);
        var hash = new byte[AuditChain.HashSize];
        var scratch = Array.Empty<byte>();
        AuditChain.HashBody(prevHash, Body(record), ref scratch, hash);
        return record with { Hash = hash };
    }

    /// <summary>The stored form of a block holding <paramref name="records"/>.</summary>
    public static byte[] Encode(IEnumerable<StoredRecord> records)
    {
        var bytes = new List<byte>();
        foreach (var record in records)
        {
            var body = Body(record);
            var length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, body.Length);
            bytes.AddRange(length);
            bytes.AddRange(body);
            bytes.AddRange(record.Hash);
        }

        return [.. bytes];
    }

    public static void InsertBlock(SqliteConnection connection, SqliteTransaction? transaction, object firstSequence, object lastSequence, object records)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO audit_block (first_seq, last_seq, records) VALUES ($first, $last, $records)";
        insert.Parameters.AddWithValue("$first", firstSequence);
        insert.Parameters.AddWithValue("$last", lastSequence);
        insert.Parameters.AddWithValue("$records", records);
        insert.ExecuteNonQuery();
    }

    private static byte[] Body(StoredRecord r)
    {
        var body = new byte[AuditChain.MaxBodyBytes(r.CallerId, r.DeviceId, r.Method, r.Subject, r.Result)];
        var length = AuditChain.EncodeBody(body, r.Sequence, r.TimeUnixMs, r.CallerId, r.DeviceId, r.Method, r.Subject, r.Purpose, r.Result, r.Source);
        return body[..length];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var log in _logs)
        {
            await log.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>One stored record, decoded, for reading and tampering in tests.</summary>
internal sealed record StoredRecord(long Sequence, long TimeUnixMs, string CallerId, string DeviceId, string Method, string Subject,
    int Purpose, string Result, int Source, byte[] Hash);
