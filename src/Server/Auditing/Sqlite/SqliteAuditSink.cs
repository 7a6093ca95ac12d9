using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing.Sqlite;

/// <summary>
/// The audit trail in its own SQLite file (<see cref="AuditOptions.Path"/>): blocks and the committed
/// head (see <see cref="SqliteAuditSchema"/>), and the subject index in a file beside it
/// (<see cref="SqliteSubjectIndex"/>). The writer above it (<see cref="AuditWriter"/>) is engine-neutral.
/// </summary>
/// <remarks>
/// Durability: WAL with <c>synchronous = FULL</c>, so every commit fsyncs the WAL before it returns. An
/// acknowledged record therefore survives a crash of the process and a power loss of the machine (as far
/// as the disk honours fsync). <c>NORMAL</c>, as the registry uses, would be faster but can lose the last
/// commits on power loss — not acceptable for records already acknowledged. Replicas on one host may
/// share the file: <c>BEGIN IMMEDIATE</c> makes their commits take turns, each continuing from the head
/// the last one stored.
/// </remarks>
public sealed class SqliteAuditSink : IAuditSink
{
    private readonly string _connectionString;
    private readonly string _readConnectionString;
    private readonly int _busyTimeoutMs;
    private readonly SqliteSubjectIndex _subjectIndex;
    private SqliteWriterSession? _session;
    private int _disposed;

    public SqliteAuditSink(IOptions<AuditOptions> options, ILogger<SqliteAuditSink> logger)
        : this(options.Value, logger)
    {
    }

    internal SqliteAuditSink(AuditOptions options, ILogger logger)
    {
        Location = Path.GetFullPath(options.Path);
        _busyTimeoutMs = options.BusyTimeoutMs;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Location,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (_busyTimeoutMs + 999) / 1000),
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Location,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
        _subjectIndex = new SqliteSubjectIndex(Path.GetFullPath(options.ResolveSubjectIndexPath()), _readConnectionString, _busyTimeoutMs, logger);
    }

    /// <summary>The audit file's full path.</summary>
    public string Location { get; }

    public IAuditSubjectIndex SubjectIndex => _subjectIndex;

    /// <summary>Runs on the writer's connection before each commit (tests cap it with PRAGMA max_page_count: a full disk).</summary>
    internal Action<SqliteConnection>? BeforeCommit { get; set; }

    /// <summary>Opens a writer over a SQLite sink on <paramref name="options"/>'s file and starts it (tools and tests; the host uses DI).</summary>
    internal static Task<AuditWriter> OpenWriterAsync(AuditOptions options, ILogger logger, CancellationToken cancellationToken,
        byte[]? subjectKeyFingerprint = null) =>
        AuditWriter.OpenAsync(new SqliteAuditSink(options, logger), options, logger, cancellationToken, subjectKeyFingerprint);

    public ValueTask<byte[]?> OpenAsync(byte[]? subjectKeyFingerprint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _session?.Dispose();
        _session = null;
        if (Path.GetDirectoryName(Location) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _session = SqliteWriterSession.Open(_connectionString, _busyTimeoutMs, subjectKeyFingerprint, out var stored);
        return ValueTask.FromResult(stored);
    }

    public ValueTask AppendAsync(AuditBatch batch, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("The audit sink is not open (OpenAsync first, and again after a failed append).");
        try
        {
            BeforeCommit?.Invoke(session.Connection);
            using var transaction = session.Connection.BeginTransaction(deferred: false);
            var head = session.ReadHead(transaction);
            foreach (var block in batch.ChainFrom(head))
            {
                session.InsertBlock(block.FirstSequence, block.LastSequence, block.Records.Span);
            }

            session.WriteHead(transaction, batch.NewHead);
            batch.Committing();
            transaction.Commit();
            return ValueTask.CompletedTask;
        }
        catch
        {
            // The connection may hold a failed transaction or a lock: the next OpenAsync starts afresh.
            session.Dispose();
            _session = null;
            throw;
        }
    }

    public ValueTask<IAuditTrailView> OpenViewAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        // As IAuditTrailSource promises (and SqliteAuditTrail does): no file is "no trail", not an engine error.
        if (!File.Exists(Location))
        {
            throw new FileNotFoundException($"There is no audit file at {Location}.", Location);
        }

        return ValueTask.FromResult<IAuditTrailView>(SqliteTrailView.Open(_readConnectionString));
    }

    public bool IsStorageError(Exception error) => SqliteAuditTrail.IsSqliteError(error);

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _session?.Dispose();
        _session = null;
        _subjectIndex.Close();
        // Release the pooled read connections (holder lookups, views), which keep the file open otherwise.
        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
        return ValueTask.CompletedTask;
    }
}
