namespace ELicense.Server.Auditing;

/// <summary>
/// Whether the audit trail's last group commit succeeded. Every audited call waits for its record's
/// commit and is refused when it fails (a disk full, a broken file), so while commits fail the server
/// answers nothing useful and must not report itself healthy. The writer (<see cref="AuditWriter"/>)
/// reports each commit's outcome here; the "audit" health check (<c>Hosting/HealthChecks.cs</c>,
/// <c>AuditHealthCheck</c>, a layer above) reads it.
/// </summary>
public sealed class AuditCommitState
{
    private volatile Failure? _failure;

    /// <summary>True until a commit fails, and again from the next commit that succeeds.</summary>
    public bool CanCommit => _failure is null;

    /// <summary>Commits that failed in a row since the last one that succeeded (0 when healthy).</summary>
    public long ConsecutiveFailures => _failure?.Count ?? 0;

    /// <summary>Why the last commit failed; null when it succeeded.</summary>
    public string? LastError => _failure?.Error;

    /// <summary>Called by the writer after a commit succeeded.</summary>
    public void Committed() => _failure = null;

    /// <summary>Called by the writer after a commit failed (the batch was refused, not acknowledged).</summary>
    public void Failed(Exception error)
    {
        // Only the single writer loop calls this, so the read-modify-write needs no lock.
        var count = (_failure?.Count ?? 0) + 1;
        _failure = new Failure(count, error.GetBaseException().Message);
    }

    private sealed record Failure(long Count, string Error);
}
