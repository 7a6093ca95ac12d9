using ELicense.V1;

namespace ELicense.Server.Registry;

/// <summary>
/// The system of record. Kept small so that a server database can replace the embedded SQLite store.
/// Every write happens in one transaction that also appends to the change feed, and reports the changes
/// it made so that the caller can invalidate caches.
/// </summary>
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
    /// <paramref name="after"/> when given, plus the subject's unprocessed totals.
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
    /// Moves a violation to PROCESSED or PAID. Processing attributes it to a licence (the given one, or
    /// the one it already has) and adds its points; reaching 12 points sets the licence to
    /// POINTS_EXCEEDED. Throws <see cref="RegistryRuleException"/> when a rule forbids the change.
    /// Null when there is no such violation.
    /// </summary>
    Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(string violationId, ViolationState state, string licenseNumber, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a vehicle, keyed by plate (update_time is set by the store).</summary>
    Task<WriteResult<Vehicle>> UpsertVehicleAsync(Vehicle vehicle, CancellationToken cancellationToken);

    /// <summary>The change feed: changes with a sequence above <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<RegistryChange>> GetChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The newest change sequence (0 when there is none).</summary>
    Task<long> GetLatestChangeSequenceAsync(CancellationToken cancellationToken);

    /// <summary>The sequence of the last change made before <paramref name="before"/> (0 when there is none).</summary>
    Task<long> GetLastChangeSequenceBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// A cheap, bounded read of real data for health checks — not only metadata, so that a store whose
    /// data is unreadable (corrupt pages, a lost volume) fails it. Throws when the data cannot be read.
    /// </summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>A licence and the totals of its unprocessed violations, read in one go.</summary>
public sealed record LicenseRecord(License License, ViolationSummary Violations);

/// <summary>A vehicle and the totals of its plate's unprocessed violations, read in one go.</summary>
public sealed record VehicleRecord(Vehicle Vehicle, ViolationSummary Violations);

/// <summary>Whose violations to list: exactly one of licence number or plate.</summary>
public sealed record ViolationQuery(string? LicenseNumber, Plate? Plate, bool UnprocessedOnly);

/// <summary>Keyset position of the last violation of a page.</summary>
public readonly record struct ViolationCursor(long OccurUnixMs, long RowId);

/// <summary>One page of violations; <see cref="Next"/> is null on the last page.</summary>
public sealed record ViolationPage(IReadOnlyList<Violation> Violations, ViolationCursor? Next, ViolationSummary Summary);

/// <summary>A violation after resolution and the licence it is attributed to.</summary>
public sealed record ResolvedViolation(Violation Violation, License License);

/// <summary>What a write stored, and the change-feed entries it appended.</summary>
public sealed record WriteResult<T>(T Value, IReadOnlyList<RegistryChange> Changes);

/// <summary>What kind of record a change-feed entry names.</summary>
public enum ChangeKind
{
    /// <summary>A licence (or its violation totals); key: the licence number.</summary>
    License = 1,
    /// <summary>A vehicle by plate (or its violation totals); key: <see cref="RegistryKeys.Plate"/>.</summary>
    VehiclePlate = 2,
    /// <summary>A vehicle by VIN; key: the VIN.</summary>
    VehicleVin = 3,
}

/// <summary>One change-feed entry: the record named by (kind, key) changed at this sequence.</summary>
public readonly record struct RegistryChange(long Sequence, ChangeKind Kind, string Key);

/// <summary>Canonical key strings shared by the store's change feed and the caches.</summary>
public static class RegistryKeys
{
    /// <summary>"02:京A12345": the two-digit plate type code, a colon, the plate text.</summary>
    public static string Plate(Plate plate) => $"{(int)plate.Type:D2}:{plate.Number}";
}

/// <summary>A write that a registry rule forbids (e.g. resolving an already paid violation).</summary>
public sealed class RegistryRuleException(string reason, string message) : Exception(message)
{
    /// <summary>The machine-readable reason, sent as <c>ErrorInfo.reason</c>.</summary>
    public string Reason { get; } = reason;
}
