namespace ELicense.Server.Auditing;

/// <summary>What is wrong with an audit file.</summary>
public enum AuditProblemKind
{
    /// <summary>
    /// A record's hash does not match its content (and, in blocks, the hash before it): a field was
    /// changed, records swapped or replaced; or a block cannot be read as records.
    /// </summary>
    Altered,

    /// <summary>Sequence numbers are missing, in the middle or at the end: records were deleted.</summary>
    Removed,

    /// <summary>
    /// A schema-1 row's stored prev_hash is not its predecessor's hash: records were reordered, removed or
    /// inserted. (Blocks store no prev_hash; there the same shows as <see cref="Altered"/>.)
    /// </summary>
    BrokenLink,

    /// <summary>The first record's stored prev_hash is not 32 zero bytes (schema-1 rows; in blocks: <see cref="Altered"/>).</summary>
    BadFirstRecord,

    /// <summary>Records that the log never committed: a sequence below 1, or beyond the committed head.</summary>
    Inserted,

    /// <summary>The records disagree with the committed head (meta row: count, head seq, head hash), or it is missing.</summary>
    HeadMismatch,
}

/// <summary>The first problem found, at the sequence number where it shows.</summary>
public sealed record AuditProblem(AuditProblemKind Kind, long Sequence, string Description);

/// <summary>The outcome of a check: how many records were checked and the head of the chain (or the problem found).</summary>
public sealed record AuditVerification(long RecordsChecked, long HeadSequence, byte[] HeadHash, AuditProblem? Problem)
{
    public bool Intact => Problem is null;

    public string HeadHashHex => Convert.ToHexStringLower(HeadHash);
}

/// <summary>Progress of a check: records checked of about <see cref="Total"/> (the committed count).</summary>
public readonly record struct AuditVerifyProgress(long Checked, long Total);
