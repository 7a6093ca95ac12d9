using ELicense.V1;

namespace ELicense.Server.Auditing;

/// <summary>
/// The audit trail: an append-only, hash-chained log of every verification and lookup. An append
/// completes only once the record is durable, so nothing acknowledged to a caller can be lost;
/// appends are group-committed so that the hot path pays little for it.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends a record; completes when it is durably committed (with others, in one transaction).</summary>
    ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Records of one subject, newest first, with a sequence below <paramref name="beforeSequence"/>
    /// when given; at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<AuditEntry>> ListBySubjectAsync(string subject, long? beforeSequence, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// One audited call. <see cref="Subject"/> is a keyed hash of the licence number, plate or VIN
/// (<see cref="AuditSubjects"/>), never the clear value. <see cref="Count"/> is the number of calls the
/// record stands for: 1, except for refusals aggregated per caller, method, result and second.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string CallerId,
    string DeviceId,
    string Method,
    string Subject,
    LookupPurpose Purpose,
    string Result,
    DataSource Source,
    int Count = 1)
{
    /// <summary>At least 1: a record stands for at least the call it was written for.</summary>
    public int Count { get; init; } = Count >= 1 ? Count : throw new ArgumentOutOfRangeException(nameof(Count), Count, "A record stands for at least one call.");
}

/// <summary>A stored record and its position in the chain.</summary>
public sealed record AuditEntry(long Sequence, AuditRecord Record);
