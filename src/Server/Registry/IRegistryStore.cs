using ELicense.V1;

namespace ELicense.Server.Registry;

/// <summary>
/// The system of record, as any storage engine provides it (today the embedded SQLite file,
/// <c>Sqlite/SqliteRegistryStore</c>). It stores and reads; it holds no business rule: a write that
/// depends on one (resolving a violation) takes the rule as an argument and runs it inside its own
/// transaction. The contract is asynchronous: every method returns a task and takes a cancellation token,
/// so that an engine with real asynchronous I/O (a server database's driver) can wait without holding a
/// thread. It does not promise that no thread blocks: the SQLite engine's I/O is synchronous underneath
/// (Microsoft.Data.Sqlite's async methods complete synchronously), so its calls occupy the calling thread
/// while the file is read or written, and a busy database waits up to <c>Registry:BusyTimeoutMs</c>.
/// </summary>
/// <remarks>
/// <para><b>Atomic writes, concurrent writers.</b> Several server processes may write at once. Every write
/// is one transaction that also appends its change-feed entries; the rows a write reads to decide
/// (e.g. the violation and licence a resolution reads) must not change under it before it commits —
/// SQLite gets this from its single writer (<c>BEGIN IMMEDIATE</c>); an engine with concurrent writers
/// must lock those rows (<c>SELECT … FOR UPDATE</c>) or run the transaction serializable and retry.</para>
/// <para><b>The change feed's ordering guarantee</b>, which the caches rely on to invalidate (a change they
/// never see is a stale copy served as current — VALID for a revoked licence):</para>
/// <list type="number">
/// <item>Sequences are positive and strictly increasing in the order changes become visible: once a reader
/// has seen sequence <c>n</c>, every change it can see later has a sequence above <c>n</c>. No gap below
/// a visible sequence is ever filled later (a write that commits late must not surface with a sequence
/// below one already visible). Gaps themselves are allowed (e.g. a rolled-back write's numbers).</item>
/// <item>A write's changes become visible together, when it commits, with the sequences it reported in
/// its <see cref="WriteResult{T}.Changes"/>, and the record read after that reflects the write.</item>
/// <item><see cref="GetLatestChangeSequenceAsync"/> never exceeds what <see cref="GetChangesAsync"/> can return.</item>
/// </list>
/// <para>SQLite gives all three with its single writer and an AUTOINCREMENT key. A server engine whose
/// sequence values commit out of order (PostgreSQL sequences) must provide them another way, e.g. a counter
/// row updated inside the writing transaction. The store contract suite (tests/Server.Tests/Registry/Contract)
/// checks them with concurrent writers.</para>
/// <para>Errors: a refusal by a rule is a <see cref="RegistryRuleException"/>; which other errors are worth a
/// retry the engine says through its <see cref="IRegistryErrorClassifier"/>.</para>
/// </remarks>
public interface IRegistryStore
{
    /// <summary>Creates the schema if it is missing. Safe to call from several processes.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>A licence with the totals of its unprocessed violations, or null.</summary>
    Task<LicenseRecord?> GetLicenseAsync(string licenseNumber, CancellationToken cancellationToken);

    /// <summary>A vehicle by plate with its plate's unprocessed-violation totals, or null.</summary>
    Task<VehicleRecord?> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken);

    /// <summary>A vehicle by VIN with its plate's unprocessed-violation totals, or null.</summary>
    Task<VehicleRecord?> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken);

    /// <summary>
    /// One page of violations, newest first (occur time, then row id, descending), strictly after
    /// <paramref name="after"/> when given, plus the subject's unprocessed totals, read from one snapshot.
    /// </summary>
    Task<ViolationPage> ListViolationsAsync(ViolationQuery query, ViolationCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a licence (update_time is set by the store).</summary>
    Task<WriteResult<License>> UpsertLicenseAsync(License license, CancellationToken cancellationToken);

    /// <summary>Changes a licence's status; null when there is no such licence.</summary>
    Task<WriteResult<License>?> UpdateLicenseStatusAsync(string licenseNumber, LicenseStatus status, CancellationToken cancellationToken);

    /// <summary>
    /// Records a violation and assigns its id. With a non-empty <paramref name="requestId"/> the call is
    /// idempotent: a second call with the same id returns the first violation and changes nothing.
    /// </summary>
    /// <exception cref="RegistryRuleException">The violation names a licence that is not in the registry (<c>LICENSE_NOT_FOUND</c>).</exception>
    Task<WriteResult<Violation>> RecordViolationAsync(Violation violation, string requestId, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves a violation in one write transaction: reads it, lets <paramref name="resolution"/> decide
    /// the licence it is attributed to (<see cref="ViolationResolution.Attribute"/>), reads that licence,
    /// lets the resolution decide its new points and status (<see cref="ViolationResolution.Standing"/>),
    /// and writes both. The rows read must not change before the commit (see the remarks).
    /// Null when there is no such violation (a malformed id included).
    /// </summary>
    /// <exception cref="RegistryRuleException">The resolution refused, or the licence is not in the registry (<c>LICENSE_NOT_FOUND</c>).</exception>
    Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(string violationId, ViolationResolution resolution, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a vehicle, keyed by plate (update_time is set by the store).</summary>
    Task<WriteResult<Vehicle>> UpsertVehicleAsync(Vehicle vehicle, CancellationToken cancellationToken);

    /// <summary>
    /// The change feed: at most <paramref name="limit"/> changes with a sequence above
    /// <paramref name="afterSequence"/>, oldest first. Reading on from the last sequence returned never
    /// misses a change (the ordering guarantee in the remarks).
    /// </summary>
    Task<IReadOnlyList<RegistryChange>> GetChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The newest visible change sequence (0 when there is none).</summary>
    Task<long> GetLatestChangeSequenceAsync(CancellationToken cancellationToken);

    /// <summary>The sequence of the last change made before <paramref name="before"/> (0 when there is none).</summary>
    Task<long> GetLastChangeSequenceBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// A cheap, bounded read of real data for health checks — not only metadata, so that a store whose
    /// data is unreadable (corrupt pages, a lost volume) fails it. Throws when the data cannot be read.
    /// </summary>
    Task PingAsync(CancellationToken cancellationToken);
}
