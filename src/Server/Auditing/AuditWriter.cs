using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>
/// The audit trail's writer, the same on every storage engine: callers queue records with
/// <see cref="AppendAsync"/>, one writer loop group-commits them through the engine's
/// <see cref="IAuditSink"/> and only then completes the callers' tasks.
/// </summary>
/// <remarks>
/// <para>
/// Durability is the sink's (SQLite: WAL with <c>synchronous = FULL</c>, every commit fsyncs before it
/// returns). A failed commit is never acknowledged: every append of that batch faults with
/// <see cref="AuditUnavailableException"/>, and the next batch opens the sink again.
/// </para>
/// <para>
/// Group commit: the writer takes everything queued (up to <see cref="AuditOptions.MaxBatch"/>) and hands
/// it to the sink as one transaction. Records that arrive during a commit form the next batch, so
/// throughput grows with load while a lone append pays about one commit. Under load,
/// <see cref="AuditOptions.MaxBatchDelay"/> lets more gather before the next.
/// </para>
/// <para>
/// Lifecycle: <see cref="StartAsync"/> opens the subject index and the sink, checks the subject key and
/// the head, and starts the writer and the indexer (the host calls it before the server takes calls);
/// <see cref="StopAsync"/> and <see cref="DisposeAsync"/> stop taking appends, then commit everything
/// already queued. Appends after that throw <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed partial class AuditWriter : IAuditLog, IHostedService, IAsyncDisposable
{
    private readonly IAuditSink _sink;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxBatchDelay;
    private readonly TimeSpan _subjectIndexInterval;
    private readonly TimeProvider _batchClock;
    private readonly ILogger _logger;
    private readonly Channel<PendingAppend> _queue;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly CancellationTokenSource _indexerStop = new();

    // Cancelled when the log closes: ends a batch delay at once (the batch clock may be a test's frozen one).
    private readonly CancellationTokenSource _closing = new();
    private Task? _writer;
    private Task? _indexer;
    private volatile bool _closed;
    private int _disposed;

    // The subject key's fingerprint this log writes with; null for tools that only read or verify.
    private readonly byte[]? _subjectKeyFingerprint;

    public AuditWriter(IAuditSink sink, IOptions<AuditOptions> options, AuditSubjects subjects, ILogger<AuditWriter> logger)
        : this(sink, options.Value, logger, TimeProvider.System, subjects.KeyFingerprint())
    {
    }

    /// <param name="sink">The storage engine; the writer owns it from here on and disposes it.</param>
    /// <param name="options">The audit options.</param>
    /// <param name="logger">Where commit failures and chain anomalies are reported.</param>
    /// <param name="batchClock">
    /// The clock of the batch delay and the indexer only. Deliberately not the application's
    /// <see cref="TimeProvider"/>: that is the domain clock, which tests freeze, and a frozen batch timer
    /// would stall every append.
    /// </param>
    /// <param name="subjectKeyFingerprint">The subject key's fingerprint to claim; null for tools.</param>
    internal AuditWriter(IAuditSink sink, AuditOptions options, ILogger logger, TimeProvider batchClock, byte[]? subjectKeyFingerprint = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AuditOptions.SectionName, typeof(AuditOptions), errors);
        }

        _sink = sink;
        _maxBatch = options.MaxBatch;
        _maxBatchDelay = options.MaxBatchDelay;
        _subjectIndexInterval = options.SubjectIndexInterval;
        _batchClock = batchClock;
        _logger = logger;
        _subjectKeyFingerprint = subjectKeyFingerprint;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>The outcome of the last group commit, for the health check.</summary>
    public AuditCommitState CommitState { get; } = new();

    /// <summary>Group commits made since start (with <see cref="RecordsCommitted"/>: the mean batch size).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Records committed since start.</summary>
    public long RecordsCommitted => Interlocked.Read(ref _recordsCommitted);

    /// <summary>Records waiting for the writer.</summary>
    public int QueueDepth => _queue.Reader.CanCount ? _queue.Reader.Count : -1;

    private long _commits;
    private long _recordsCommitted;

    /// <summary>Opens a writer over <paramref name="sink"/> and starts it (tools and tests; the host uses DI).</summary>
    internal static async Task<AuditWriter> OpenAsync(IAuditSink sink, AuditOptions options, ILogger logger, CancellationToken cancellationToken,
        byte[]? subjectKeyFingerprint = null)
    {
        var log = new AuditWriter(sink, options, logger, TimeProvider.System, subjectKeyFingerprint);
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
            throw new ObjectDisposedException(nameof(AuditWriter));
        }

        await pending.Task.WaitAsync(cancellationToken);
    }

    /// <remarks>Served by the sink's subject index and the records it has not taken in yet: complete however far it lags.</remarks>
    public async Task<IReadOnlyList<AuditEntry>> ListBySubjectAsync(string subject, long? beforeSequence, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ObjectDisposedException.ThrowIf(_closed, this);
        return await _sink.SubjectIndex.ListAsync(subject, beforeSequence ?? long.MaxValue, limit, cancellationToken);
    }

    /// <summary>Called after each timed pass of the subject index with the records it took in (tests wait on it).</summary>
    internal Action<int>? AfterIndexPass { get; set; }

    /// <summary>One pass of the subject index now, as its timer would run it (tests; returns the records taken in).</summary>
    internal ValueTask<int> IndexSubjectsAsync() => _sink.SubjectIndex.IndexOnceAsync(CancellationToken.None);

    // No RunContinuationsAsynchronously: continuations run inline on the pool thread that answers the
    // append (a slice of its batch, see Answer), never on the writer, which only hands the batch over.
    private sealed class PendingAppend(AuditRecord record) : TaskCompletionSource
    {
        public AuditRecord Record { get; } = record;
    }
}
