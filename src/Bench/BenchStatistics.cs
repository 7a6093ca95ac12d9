using Grpc.Core;

namespace ELicense.Bench;

/// <summary>
/// The measured requests of one operation (or of all): answered (with any status), not sent, abandoned;
/// latency percentiles over the answered ones (errors included: a timeout belongs in the tail); counts per
/// status and, for verify, per verdict (for roadside, per outcome code: see RoadsideOutcome).
/// </summary>
public sealed record OperationStatistics(
    string Name,
    long Completed,
    long NotSent,
    long Abandoned,
    LatencySummary Latency,
    IReadOnlyDictionary<StatusCode, long> Statuses,
    IReadOnlyDictionary<int, long> Verdicts)
{
    /// <summary>Answered with OK.</summary>
    public long Ok => Statuses.GetValueOrDefault(StatusCode.OK);

    /// <summary>Errors: answered with another status, or not sent at all.</summary>
    public long Errors => Completed - Ok + NotSent;

    /// <summary>Errors over the requests due (answered or not sent); 0 when there were none.</summary>
    public double ErrorRate => Completed + NotSent == 0 ? 0 : (double)Errors / (Completed + NotSent);
}

/// <summary>What a run measured: per operation, all together, the send lag (open loop), and the warm-up's count.</summary>
public sealed record BenchStatistics(
    IReadOnlyList<OperationStatistics> Operations,
    OperationStatistics Total,
    LatencySummary? SendLag,
    long WarmupRequests);
