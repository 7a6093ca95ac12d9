using Grpc.Core;

namespace ELicense.IntegrationTests.Faults;

/// <summary>The kinds of call a <see cref="MixedLoad"/> makes.</summary>
public enum LoadCallKind
{
    /// <summary>A never-scanned credential of a normal licence, scanned for the first time (expected VALID).</summary>
    Fresh,

    /// <summary>GetLicense of a plan licence (expected: that licence, with its planned status).</summary>
    Lookup,

    /// <summary>A credential a fresh scan answered VALID, scanned again from another device (expected REPLAYED).</summary>
    Replay,

    /// <summary>A credential of the revoked licence (anything but VALID).</summary>
    Revoked,
}

/// <summary>
/// One call of the load, as the multi-address client saw it (after its retries).
/// </summary>
/// <param name="Kind">What was asked.</param>
/// <param name="Worker">The worker that made it (0-based).</param>
/// <param name="Start">When it began, from the load's start (Stopwatch).</param>
/// <param name="End">When the answer or the error came back, from the load's start.</param>
/// <param name="Status">OK for an answer, otherwise the gRPC status code the call failed with.</param>
/// <param name="Answer">A short description: the verdict and replay check, the licence status, or the error's reason.</param>
/// <param name="Wrong">Why the answer is wrong (see <see cref="AnswerJudge"/>), or null; always null for a failed call.</param>
/// <param name="Degraded">An answer that says it is degraded: stale, LOCAL_ONLY or SHARED_INCOMPLETE, STATUS_UNAVAILABLE.</param>
/// <param name="RetryInfo">For a failed call: whether it carried a google.rpc.RetryInfo detail.</param>
/// <param name="ErrorReason">For a failed call: its google.rpc.ErrorInfo reason (e.g. REGISTRY_UNAVAILABLE), or null.</param>
/// <param name="Stale">An answer marked stale (freshness.stale).</param>
/// <param name="Authoritative">An answer that knows, of the kind expected (<see cref="AnswerJudge.IsAuthoritative"/>).</param>
/// <param name="LicenseNumber">The licence asked about (a lookup's, or the one the credential was issued for).</param>
public sealed record LoadCall(
    LoadCallKind Kind,
    int Worker,
    TimeSpan Start,
    TimeSpan End,
    StatusCode Status,
    string Answer,
    string? Wrong,
    bool Degraded,
    bool RetryInfo = false,
    string? ErrorReason = null,
    bool Stale = false,
    bool Authoritative = false,
    string? LicenseNumber = null)
{
    /// <summary>How long the call took, retries included.</summary>
    public TimeSpan Latency => End - Start;

    /// <summary>True when the call was answered (whatever the answer).</summary>
    public bool Ok => Status == StatusCode.OK;

    /// <summary>True when the call's span [Start, End] overlaps [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public bool Overlaps(TimeSpan from, TimeSpan to) => Start <= to && End >= from;

    /// <summary>One line for an assertion message.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{Kind} by worker {Worker} at {Start.TotalSeconds:0.000}-{End.TotalSeconds:0.000} s: {Status} {Answer}{(Wrong is null ? "" : " WRONG: " + Wrong)}");
}
