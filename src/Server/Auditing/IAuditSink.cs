namespace ELicense.Server.Auditing;

/// <summary>
/// Where the audit trail is read from: enough for <see cref="AuditChainVerifier"/> and <c>audit verify</c>,
/// which never write. Every storage engine provides one; a writing engine is an <see cref="IAuditSink"/>.
/// </summary>
public interface IAuditTrailSource
{
    /// <summary>Where the trail is, for messages (a file path, a database name); never a secret.</summary>
    string Location { get; }

    /// <summary>
    /// A consistent read view: its head and its records come from one snapshot, even while a writer
    /// appends. Throws <see cref="FileNotFoundException"/> when there is no trail at <see cref="Location"/>.
    /// </summary>
    ValueTask<IAuditTrailView> OpenViewAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True for the engine's own "this storage cannot be read as an audit trail" errors (not an audit
    /// database, a damaged one), which <c>audit verify</c> reports as unreadable instead of crashing.
    /// </summary>
    bool IsStorageError(Exception error);
}

/// <summary>
/// The storage engine under <see cref="AuditWriter"/>: all it must do is keep blocks and a head,
/// atomically, and read them back. Batching, answering callers, the hash chain, the checks at start and
/// the indexer's schedule are the writer's, the same on every engine.
/// </summary>
/// <remarks>
/// The contract every engine must pass is <c>AuditSinkContract</c> in the server tests
/// (tests/Server.Tests/Auditing/Contract): append and read back, the head after a restart, a failed
/// transaction leaving nothing, order, chain continuity and the subject index.
/// </remarks>
public interface IAuditSink : IAuditTrailSource, IAsyncDisposable
{
    /// <summary>
    /// Opens the storage (again, after a failed append), creates what is missing and claims the subject
    /// key: stores <paramref name="subjectKeyFingerprint"/> when none is stored yet and returns the stored
    /// one (null when <paramref name="subjectKeyFingerprint"/> is null: tools that write no subjects).
    /// </summary>
    ValueTask<byte[]?> OpenAsync(byte[]? subjectKeyFingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a batch in ONE transaction: reads the committed head inside it (another writer may have
    /// moved it), lets <paramref name="batch"/> chain its records from that head
    /// (<see cref="AuditBatch.ChainFrom"/>), stores the blocks and the new head, calls
    /// <see cref="AuditBatch.Committing"/>, commits durably. Returns only once the commit is durable; on
    /// any failure nothing of the batch is stored and the exception propagates.
    /// </summary>
    ValueTask AppendAsync(AuditBatch batch, CancellationToken cancellationToken);

    /// <summary>The index by subject behind the holder's view (derived data, rebuilt from the trail).</summary>
    IAuditSubjectIndex SubjectIndex { get; }
}

/// <summary>One consistent read of the trail (see <see cref="IAuditTrailSource.OpenViewAsync"/>).</summary>
public interface IAuditTrailView : IAsyncDisposable
{
    /// <summary>The head the last commit stored, exactly as stored (the verifier judges it).</summary>
    ValueTask<AuditStoredHead> ReadHeadAsync(CancellationToken cancellationToken);

    /// <summary>The records after <paramref name="afterSequence"/> (all when null), in stored order, problems included.</summary>
    IAsyncEnumerable<TrailEntry> ReadAfterAsync(long? afterSequence, CancellationToken cancellationToken);

    /// <summary>Record <paramref name="sequence"/>; null when there is no readable record with that number.</summary>
    ValueTask<TrailEntry?> EntryAtAsync(long sequence, CancellationToken cancellationToken);

    /// <summary>The last stored record; null for an empty trail.</summary>
    ValueTask<TrailEntry?> LastAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The audit trail's index by subject, driven by the writer's indexer loop
/// (<see cref="AuditOptions.SubjectIndexInterval"/>). Lookups are complete however far it lags.
/// </summary>
public interface IAuditSubjectIndex
{
    /// <summary>Creates the index storage when missing (once, at the writer's start).</summary>
    ValueTask OpenAsync(CancellationToken cancellationToken);

    /// <summary>Takes in the records committed since the last pass; returns how many.</summary>
    ValueTask<int> IndexOnceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records of <paramref name="subject"/> below <paramref name="beforeSequence"/>, newest first, at most
    /// <paramref name="limit"/>: those indexed and those committed since the last pass.
    /// </summary>
    Task<List<AuditEntry>> ListAsync(string subject, long beforeSequence, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// The committed head as stored: record count, last sequence and its hash. Fields are null when missing
/// or of the wrong type (a damaged or removed head row), which the verifier reports as a mismatch.
/// </summary>
public sealed record AuditStoredHead(long? Count, long? Sequence, byte[]? Hash)
{
    /// <summary>The head of a trail without records.</summary>
    public static AuditStoredHead Empty => new(0, 0, new byte[AuditChain.HashSize]);
}

/// <summary>
/// One record as stored: its sequence number, its body (see <see cref="AuditChain.EncodeBody"/>) and its
/// hash. <see cref="StoredPrevHash"/> is set for schema-1 rows only, which stored it; a block's records
/// chain to the hash before them. <see cref="Problem"/> says what is wrong when the stored form cannot be
/// read as a record (the other fields are then empty and <see cref="Sequence"/> is where it shows).
/// </summary>
public readonly record struct TrailEntry(long Sequence, ReadOnlyMemory<byte> Body, ReadOnlyMemory<byte> Hash,
    byte[]? StoredPrevHash = null, string? Problem = null);
