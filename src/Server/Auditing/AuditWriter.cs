using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Threading.Channels;
using SQLitePCL;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>
/// The audit trail in its own SQLite file (<see cref="AuditOptions.Path"/>), hash-chained
/// (<see cref="AuditChain"/>) and group-committed: callers queue records with
/// <see cref="AppendAsync"/>, one writer loop commits them in batches and only then completes the
/// callers' tasks.
/// </summary>
/// <remarks>
/// <para>
/// Durability: WAL with <c>synchronous = FULL</c>, so every commit fsyncs the WAL before it returns. An
/// acknowledged record therefore survives a crash of the process and a power loss of the machine (as far
/// as the disk honours fsync). <c>NORMAL</c>, as the registry uses, would be faster but can lose the last
/// commits on power loss — not acceptable for records already acknowledged. A failed commit is never
/// acknowledged: every append of that batch faults with <see cref="AuditUnavailableException"/>.
/// </para>
/// <para>
/// Group commit: the writer takes everything queued (up to <see cref="AuditOptions.MaxBatch"/>) and writes
/// it in one transaction with one fsync, as blocks of records (see <see cref="AuditChain"/>). Records that
/// arrive during a commit form the next batch, so throughput grows with load while a lone append pays
/// about one fsync. Under load, <see cref="AuditOptions.MaxBatchDelay"/> lets more gather before the next.
/// </para>
/// <para>
/// Lifecycle: <see cref="StartAsync"/> opens the file, creates the schema, reads the chain's head and
/// starts the writer (the host calls it before the server takes calls); <see cref="StopAsync"/> and
/// <see cref="DisposeAsync"/> stop taking appends, then commit everything already queued. Appends after
/// that throw <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed partial class SqliteAuditLog : IAuditLog, IHostedService, IAsyncDisposable
{
    private const string InsertSql = "INSERT INTO audit_block (first_seq, last_seq, records) VALUES (?1, ?2, ?3)";

    private const string UpdateMetaSql = "UPDATE meta SET record_count = $count, head_seq = $seq, head_hash = $hash WHERE id = 1";

    private const string SelectMeta = "SELECT record_count, head_seq, head_hash FROM meta WHERE id = 1";

    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _readConnectionString;
    private readonly int _busyTimeoutMs;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxBatchDelay;
    private readonly TimeProvider _batchClock;
    private readonly ILogger _logger;
    private readonly Channel<PendingAppend> _queue;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private Task? _writer;
    private readonly AuditSubjectIndex _subjectIndex;
    private readonly TimeSpan _subjectIndexInterval;
    private readonly CancellationTokenSource _indexerStop = new();
    private Task? _indexer;
    private volatile bool _closed;
    private int _disposed;

    // Owned by whoever runs the writer: StartAsync until the loop starts, then the loop alone.
    private WriterSession? _session;
    private byte[] _block = new byte[64 * 1024];
    private byte[] _hashScratch = new byte[1024];

    // The subject key's fingerprint this log writes with; null for tools that only read or verify.
    private readonly byte[]? _subjectKeyFingerprint;

    public SqliteAuditLog(IOptions<AuditOptions> options, AuditSubjects subjects, ILogger<SqliteAuditLog> logger)
        : this(options.Value, logger, TimeProvider.System)
    {
        _subjectKeyFingerprint = subjects.KeyFingerprint();
    }

    /// <param name="options">The audit options.</param>
    /// <param name="logger">Where commit failures and chain anomalies are reported.</param>
    /// <param name="batchClock">
    /// The clock of the batch delay only. Deliberately not the application's <see cref="TimeProvider"/>:
    /// that is the domain clock, which tests freeze, and a frozen batch timer would stall every append.
    /// </param>
    internal SqliteAuditLog(AuditOptions options, ILogger logger, TimeProvider batchClock)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AuditOptions.SectionName, typeof(AuditOptions), errors);
        }

        _path = Path.GetFullPath(options.Path);
        _busyTimeoutMs = options.BusyTimeoutMs;
        _maxBatch = options.MaxBatch;
        _maxBatchDelay = options.MaxBatchDelay;
        _batchClock = batchClock;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (_busyTimeoutMs + 999) / 1000),
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
        _subjectIndexInterval = options.SubjectIndexInterval;
        _subjectIndex = new AuditSubjectIndex(Path.GetFullPath(options.ResolveSubjectIndexPath()), _readConnectionString, _busyTimeoutMs, logger);
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>The audit file.</summary>
    public string FilePath => _path;

    /// <summary>The outcome of the last group commit, for the health check.</summary>
    public AuditCommitState CommitState { get; } = new();

    /// <summary>Opens a log on <paramref name="options"/>'s file and starts its writer (tools and tests; the host uses DI).</summary>
    internal static async Task<SqliteAuditLog> OpenAsync(AuditOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var log = new SqliteAuditLog(options, logger, TimeProvider.System);
        try
        {
            await log.StartAsync(cancellationToken);
            return log;
        }
        catch
        {
            await log.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Queues the record and completes once the batch holding it is committed and durable.
    /// </summary>
    /// <remarks>
    /// Cancelling <paramref name="cancellationToken"/> only stops the caller waiting: once queued, the
    /// record may still be written (a record cannot be taken back out of a batch). A cancellation while
    /// the queue is full and the record was not queued yet means it will not be written.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The log is stopped or disposed.</exception>
    /// <exception cref="AuditUnavailableException">The batch could not be committed; the record is not acknowledged.</exception>
    public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        Validate(record);
        ObjectDisposedException.ThrowIf(_closed, this);
        var pending = new PendingAppend(record);
        // The usual case, queued at once, needs no async frame of its own: the caller awaits the commit directly.
        return _queue.Writer.TryWrite(pending)
            ? new ValueTask(pending.Task.WaitAsync(cancellationToken))
            : QueueWhenFullAsync(pending, cancellationToken);
    }

    private async ValueTask QueueWhenFullAsync(PendingAppend pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteAuditLog));
        }

        await pending.Task.WaitAsync(cancellationToken);
    }

    /// <remarks>Served by the subject index (<see cref="AuditSubjectIndex"/>) and the records it has not taken in yet: complete however far it lags.</remarks>
    public async Task<IReadOnlyList<AuditEntry>> ListBySubjectAsync(string subject, long? beforeSequence, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ObjectDisposedException.ThrowIf(_closed, this);
        return await _subjectIndex.ListAsync(subject, beforeSequence ?? long.MaxValue, limit, cancellationToken);
    }

    /// <summary>Called after each timed pass of the subject index with the records it took in (tests wait on it).</summary>
    internal Action<int>? AfterIndexPass { get; set; }

    /// <summary>Runs on the writer's connection before each commit (tests cap it with PRAGMA max_page_count: a full disk).</summary>
    internal Action<SqliteConnection>? BeforeCommit { get; set; }

    /// <summary>One pass of the subject index now, as its timer would run it (tests; returns the records taken in).</summary>
    internal int IndexSubjects() => _subjectIndex.IndexOnce();

    /// <summary>Opens the file, creates the schema, reads the head of the chain and starts the writer.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_writer is not null)
            {
                return;
            }

            var directory = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            // The index first: should it fail, nothing else is open yet.
            _subjectIndex.Open();
            _session = OpenSession(out var count, out var headSequence);
            LogOpened(_logger, _path, count, headSequence);
            _writer = Task.Run(RunWriterAsync, CancellationToken.None);
            _indexer = Task.Run(() => RunIndexerAsync(_indexerStop.Token), CancellationToken.None);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops taking appends and commits what is queued (waits for it unless <paramref name="cancellationToken"/> fires).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => CloseAsync(cancellationToken);

    /// <summary>Stops taking appends, commits what is queued and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await CloseAsync(CancellationToken.None);
        _lifecycle.Dispose();
        _indexerStop.Dispose();
        _subjectIndex.Close();
        // Release the pooled read connections of ListBySubjectAsync, which keep the file open otherwise.
        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    private async Task CloseAsync(CancellationToken cancellationToken)
    {
        Task? writer;
        await _lifecycle.WaitAsync(CancellationToken.None);
        try
        {
            _closed = true;
            _queue.Writer.TryComplete();
            writer = _writer;
            if (writer is null)
            {
                // Never started: nothing can commit what was queued, so fail it rather than leave it waiting
                // (answered on the pool: continuations run where an append completes, never under this lock).
                var unstarted = new List<PendingAppend>();
                while (_queue.Reader.TryRead(out var pending))
                {
                    unstarted.Add(pending);
                }

                if (unstarted.Count > 0)
                {
                    Answer(unstarted, new ObjectDisposedException(nameof(SqliteAuditLog), "The audit log was closed before it was started."));
                }
            }
        }
        finally
        {
            _lifecycle.Release();
        }

        if (writer is not null)
        {
            await writer.WaitAsync(cancellationToken);
        }

        // The index is derived: a pass cut short is redone at the next start.
        await _indexerStop.CancelAsync();
        if (_indexer is { } indexer)
        {
            await indexer.WaitAsync(cancellationToken);
        }
    }

    private static void Validate(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CheckText(record.CallerId, nameof(AuditRecord.CallerId));
        CheckText(record.DeviceId, nameof(AuditRecord.DeviceId));
        CheckText(record.Method, nameof(AuditRecord.Method));
        CheckText(record.Subject, nameof(AuditRecord.Subject));
        CheckText(record.Result, nameof(AuditRecord.Result));

        static void CheckText(string? value, string name)
        {
            if (value is null)
            {
                throw new ArgumentException($"{name} must not be null.", nameof(record));
            }

            if (!AuditChain.IsWellFormed(value))
            {
                throw new ArgumentException($"{name} holds an unpaired surrogate.", nameof(record));
            }
        }
    }

    // ---- the writer ----

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(Math.Min(_maxBatch, 4096));
        try
        {
            var underLoad = false;
            while (await reader.WaitToReadAsync())
            {
                // Under load (records were already waiting when the last commit ended) let more gather
                // for one timer's wait, so that they share the next commit's fixed cost; idle, a lone
                // record is committed at once. One wait, not one wake-up per arriving record.
                if (underLoad && _maxBatchDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_maxBatchDelay, _batchClock);
                }

                while (batch.Count < _maxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                Commit(batch);
                batch.Clear();
                underLoad = reader.TryPeek(out _);
            }
        }
        finally
        {
            _session?.Dispose();
            _session = null;
        }
    }

    /// <summary>Runs the subject index's passes until the log closes; a failed pass is logged and retried at the next tick.</summary>
    private async Task RunIndexerAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_subjectIndexInterval, _batchClock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var indexed = _subjectIndex.IndexOnce();
                    AfterIndexPass?.Invoke(indexed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Holder lookups stay complete meanwhile (they scan what is not indexed), only slower.
                    LogIndexFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the batch in one transaction, then acknowledges it — or faults all of it.</summary>
    private void Commit(List<PendingAppend> batch)
    {
        try
        {
            // After a failure the session was dropped: reopen it (the head itself is read below, in the transaction).
            var session = _session ??= OpenSession(out _, out _);
            BeforeCommit?.Invoke(session.Connection);
            using var transaction = session.Connection.BeginTransaction(deferred: false);
            session.UpdateMeta.Transaction = transaction;

            // Read the head inside the write transaction, not from memory: replicas share one audit file
            // (as they share the registry), and BEGIN IMMEDIATE makes their commits take turns, so each
            // continues the chain exactly where the last writer — this process or another — left it.
            long count;
            long sequence;
            byte[] previous;
            session.SelectHead.Transaction = transaction;
            {
                using var reader = session.SelectHead.ExecuteReader();
                if (!reader.Read())
                {
                    throw new InvalidOperationException("The audit file has no meta row.");
                }

                count = reader.GetInt64(0);
                sequence = reader.GetInt64(1);
                previous = reader.GetValue(2) is byte[] { Length: AuditChain.HashSize } head ? head
                    : throw new InvalidOperationException("The audit file's meta row holds no valid head hash.");
            }

            // Records go into blocks of up to MaxBlockRecords (see AuditChain): per record, only its body
            // (the bytes its hash covers) and its hash are written, straight into the block.
            var inBlock = 0;
            var blockLength = 0;
            foreach (var pending in batch)
            {
                var record = pending.Record;
                sequence++;
                var max = 4 + AuditChain.MaxBodyBytes(record.CallerId, record.DeviceId, record.Method, record.Subject, record.Result) + AuditChain.HashSize;
                if (_block.Length - blockLength < max)
                {
                    Array.Resize(ref _block, Math.Max(_block.Length * 2, blockLength + max));
                }

                var block = _block.AsSpan();
                var bodyLength = AuditChain.EncodeBody(block[(blockLength + 4)..], sequence, record.Time.ToUnixTimeMilliseconds(),
                    record.CallerId, record.DeviceId, record.Method, record.Subject, (int)record.Purpose, record.Result, (int)record.Source, record.Count);
                BinaryPrimitives.WriteInt32BigEndian(block[blockLength..], bodyLength);
                var hash = block.Slice(blockLength + 4 + bodyLength, AuditChain.HashSize);
                AuditChain.HashBody(previous, block.Slice(blockLength + 4, bodyLength), ref _hashScratch, hash);
                hash.CopyTo(previous);
                blockLength += 4 + bodyLength + AuditChain.HashSize;
                if (++inBlock == AuditChain.MaxBlockRecords)
                {
                    session.InsertBlock(sequence - inBlock + 1, sequence, _block.AsSpan(0, blockLength));
                    inBlock = 0;
                    blockLength = 0;
                }
            }

            if (inBlock > 0)
            {
                session.InsertBlock(sequence - inBlock + 1, sequence, _block.AsSpan(0, blockLength));
            }

            count += batch.Count;
            session.BindMeta(count, sequence, previous);
            session.UpdateMeta.ExecuteNonQuery();
            transaction.Commit();

            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _recordsCommitted, batch.Count);
            CommitState.Committed();
        }
        catch (Exception e)
        {
            LogCommitFailed(_logger, batch.Count, e);
            CommitState.Failed(e);
            _session?.Dispose();
            _session = null;
            Answer(batch, new AuditUnavailableException("The audit trail could not commit the record; it is not acknowledged.", e));
            return;
        }

        Answer(batch, failure: null);
    }

    /// <summary>
    /// Answers a batch from the pool in one slice per core: the writer goes straight on to the next
    /// commit, and each slice's answers run one after another on its thread instead of each being queued
    /// on its own (measured under load: about 3 µs less CPU per audited call). Slices, not one work item,
    /// so that what follows the answers (writing responses, a stream's next verification) still spreads
    /// over every core and the last answer of a large batch does not wait for all the others.
    /// </summary>
    private static void Answer(List<PendingAppend> batch, Exception? failure)
    {
        var answers = batch.ToArray();
        var slices = Math.Min(Environment.ProcessorCount, answers.Length);
        for (var slice = 0; slice < slices; slice++)
        {
            // Slice k takes every slices-th append from k on: no slice waits behind a run of long answers.
            ThreadPool.UnsafeQueueUserWorkItem(static state =>
            {
                for (var i = state.First; i < state.Answers.Length; i += state.Step)
                {
                    if (state.Failure is null)
                    {
                        state.Answers[i].TrySetResult();
                    }
                    else
                    {
                        state.Answers[i].TrySetException(state.Failure);
                    }
                }
            }, (Answers: answers, First: slice, Step: slices, Failure: failure), preferLocal: false);
        }
    }

    /// <summary>
    /// The first writer records its subject key's fingerprint; every later one (a restart, another
    /// replica on the shared file) must carry the same key, or it would write subjects the holder's view
    /// never finds. A mismatch stops the start with what to do about it.
    /// </summary>
    private void CheckSubjectKey(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (_subjectKeyFingerprint is null)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS subject_key (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint BLOB NOT NULL);
            INSERT OR IGNORE INTO subject_key (id, fingerprint) VALUES (1, $fingerprint);
            SELECT fingerprint FROM subject_key WHERE id = 1;
            """;
        command.Parameters.AddWithValue("$fingerprint", _subjectKeyFingerprint);
        var stored = (byte[])command.ExecuteScalar()!;
        if (!CryptographicOperations.FixedTimeEquals(stored, _subjectKeyFingerprint))
        {
            throw new InvalidOperationException(
                $"The audit trail {_path} was written with a different subject key than this server's " +
                $"({AuditOptions.SectionName}:{nameof(AuditOptions.SubjectKey)} / {nameof(AuditOptions.SubjectKeyPath)}). " +
                "Replicas sharing an audit file must share its subject key (copy the key file, or configure the same " +
                "base64 key on each); otherwise the holder's view of who checked a licence would miss records.");
        }
    }

    private WriterSession OpenSession(out long count, out long headSequence)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // synchronous = FULL: each commit fsyncs the WAL, so an acknowledged record survives a crash or
            // a power loss (see the class remarks). Both settings are per connection except journal_mode,
            // which is persistent in the file.
            Execute(connection, $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                Execute(connection, AuditChain.Tables, transaction);
                CheckSubjectKey(connection, transaction);
                transaction.Commit();
            }

            CheckHead(connection, out count, out headSequence);
            return new WriterSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the meta row, the head vouched for by the last commit (each commit continues from it, read
    /// inside its own transaction). Should the last record disagree with it (records removed from or
    /// forged onto the end), the anomaly is logged; the chain still continues from the committed head, so
    /// that the verifier keeps seeing the break instead of the log papering over it.
    /// </summary>
    private void CheckHead(SqliteConnection connection, out long count, out long headSequence)
    {
        long metaCount = 0, metaSequence = 0;
        var metaHash = new byte[AuditChain.HashSize];
        using (var command = connection.CreateCommand())
        {
            command.CommandText = SelectMeta;
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                metaCount = reader.GetInt64(0);
                metaSequence = reader.GetInt64(1);
                metaHash = reader.GetValue(2) as byte[] ?? metaHash;
            }
        }

        var last = new AuditTrailReader(connection, null).Last();
        var lastSequence = last?.Sequence ?? 0;
        var lastHash = last is { Problem: null } entry ? entry.Hash.ToArray() : new byte[AuditChain.HashSize];

        if (lastSequence != metaSequence || !lastHash.AsSpan().SequenceEqual(metaHash))
        {
            LogHeadMismatch(_logger, _path, metaSequence, lastSequence);
        }

        count = metaCount;
        headSequence = metaSequence;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit trail {Path}: {Count} records, head seq {Sequence}.")]
    private static partial void LogOpened(ILogger logger, string path, long count, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit commit of {Count} record(s) failed; the appends were not acknowledged.")]
    private static partial void LogCommitFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit subject index pass failed; holder lookups scan the records not indexed yet until a pass succeeds.")]
    private static partial void LogIndexFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit trail {Path} does not match its committed head (meta head seq {MetaSequence}, last record seq {LastSequence}): records were removed or forged. Run `audit verify`; the chain continues from the committed head.")]
    private static partial void LogHeadMismatch(ILogger logger, string path, long metaSequence, long lastSequence);

    /// <summary>A queued record; its task completes when the record is committed.</summary>
    /// <summary>Group commits made since start (with <see cref="RecordsCommitted"/>: the mean batch size).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Records committed since start.</summary>
    public long RecordsCommitted => Interlocked.Read(ref _recordsCommitted);

    /// <summary>Records waiting for the writer.</summary>
    public int QueueDepth => _queue.Reader.CanCount ? _queue.Reader.Count : -1;

    private long _commits;
    private long _recordsCommitted;

    // No RunContinuationsAsynchronously: continuations run inline on the pool thread that answers the
    // append (a slice of its batch, see Answer), never on the writer, which only hands the batch over.
    private sealed class PendingAppend(AuditRecord record) : TaskCompletionSource
    {
        public AuditRecord Record { get; } = record;
    }

    /// <summary>The writer's connection with its prepared statements and their parameters.</summary>
    private sealed class WriterSession : IDisposable
    {
        private readonly SqliteParameter _metaCount, _metaSeq, _metaHash;

        public WriterSession(SqliteConnection connection)
        {
            Connection = connection;
            SelectHead = connection.CreateCommand();
            SelectHead.CommandText = SelectMeta;
            UpdateMeta = connection.CreateCommand();
            UpdateMeta.CommandText = UpdateMetaSql;
            _metaCount = UpdateMeta.Parameters.Add("$count", SqliteType.Integer);
            _metaSeq = UpdateMeta.Parameters.Add("$seq", SqliteType.Integer);
            _metaHash = UpdateMeta.Parameters.Add("$hash", SqliteType.Blob);
        }

        public SqliteConnection Connection { get; }

        /// <summary>Reads the chain head inside the write transaction.</summary>
        public SqliteCommand SelectHead { get; }

        public SqliteCommand UpdateMeta { get; }

        /// <summary>
        /// Inserts one block through SQLite's own API: bound by index, no boxing, no data reader, the
        /// bytes copied once by SQLite straight from the writer's buffer.
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

        private sqlite3_stmt? _raw;

        public void BindMeta(long count, long sequence, byte[] head)
        {
            _metaCount.Value = count;
            _metaSeq.Value = sequence;
            _metaHash.Value = head;
        }

        public void Dispose()
        {
            _raw?.Dispose();
            SelectHead.Dispose();
            UpdateMeta.Dispose();
            Connection.Dispose();
        }
    }
}

/// <summary>The audit trail could not durably record an audited call; the call must not be answered as if it had been.</summary>
public sealed class AuditUnavailableException(string message, Exception? innerException) : Exception(message, innerException);
