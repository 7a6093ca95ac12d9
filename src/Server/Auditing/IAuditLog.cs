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
/// (<see cref="AuditSubjects"/>), never the clear value.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string CallerId,
    string DeviceId,
    string Method,
    string Subject,
    LookupPurpose Purpose,
    string Result,
    DataSource Source);

/// <summary>A stored record and its position in the chain.</summary>
public sealed record AuditEntry(long Sequence, AuditRecord Record);
