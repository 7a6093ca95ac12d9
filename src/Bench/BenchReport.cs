using System.Text.Json.Serialization;
using ELicense.V1;
using Grpc.Core;
using ELicense.Client.Rendering;

namespace ELicense.Bench;

/// <summary>Latency percentiles in milliseconds, as the JSON report writes them.</summary>
public sealed record ReportLatency(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p90")] double P90,
    [property: JsonPropertyName("p99")] double P99,
    [property: JsonPropertyName("p99_9")] double P999,
    [property: JsonPropertyName("p99_99")] double P9999,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("mean")] double Mean)
{
    /// <summary>Converts a summary in nanoseconds.</summary>
    public static ReportLatency From(LatencySummary s) =>
        new(Ms(s.P50), Ms(s.P90), Ms(s.P99), Ms(s.P999), Ms(s.P9999), Ms(s.Max), Ms(s.Mean));

    private static double Ms(double nanoseconds) => Math.Round(nanoseconds / 1e6, 6);
}

/// <summary>Request counts of the measured period.</summary>
/// <param name="Completed">Answered, with any status.</param>
/// <param name="Ok">Answered OK.</param>
/// <param name="Errors">Answered with another status, or not sent.</param>
/// <param name="NotSent">Not sent (verify: the credential pool was empty).</param>
/// <param name="Abandoned">Cancelled in flight at Ctrl+C.</param>
/// <param name="Warmup">Sent during the warm-up (not in any other figure).</param>
public sealed record ReportCounts(long Completed, long Ok, long Errors, long NotSent, long Abandoned, long Warmup);

/// <summary>
/// One operation's figures. <paramref name="Verdicts"/>: verify's verdicts by name, or roadside's outcomes
/// (see <see cref="RoadsideOutcome.Name"/>).
/// </summary>
public sealed record ReportOperation(
    string Name,
    ReportCounts Requests,
    double ErrorRate,
    double Throughput,
    ReportLatency LatencyMs,
    IReadOnlyDictionary<string, long> StatusCodes,
    IReadOnlyDictionary<string, long> Verdicts)
{
    /// <summary>roadside's answers in short; null for other workloads.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReportRoadside? Roadside { get; init; }
}

/// <summary>
/// roadside's answers in short: how many said may_drive, how many did not, and how many contradicted their
/// own parts (may_drive against the licence verdict, vehicle verdict and entitlement: a server bug).
/// </summary>
public sealed record ReportRoadside(long MayDrive, long MayNotDrive, long Inconsistent)
{
    /// <summary>Counts the outcome codes of one roadside operation.</summary>
    public static ReportRoadside From(IReadOnlyDictionary<int, long> codes) => new(
        codes.Where(c => RoadsideOutcome.MayDrive(c.Key)).Sum(c => c.Value),
        codes.Where(c => !RoadsideOutcome.MayDrive(c.Key)).Sum(c => c.Value),
        codes.Where(c => !RoadsideOutcome.IsConsistent(c.Key)).Sum(c => c.Value));
}

/// <summary>A wall-clock window, Unix milliseconds.</summary>
public sealed record MeasuredWindow(long FromUnixMs, long ToUnixMs);

/// <summary>How the verify workload's credentials fared; <paramref name="MintingFailure"/>: the status that stopped minting during the run.</summary>
public sealed record ReportCredentials(long MintedBeforeRun, long MintedDuringRun, long Sent, long ExpiredUnsent, long PoolEmpty, string? MintingFailure = null);

/// <summary>
/// The report of a run: the same facts in the text table, the JSON file (this record, camelCase) and the
/// CSV file.
/// </summary>
public sealed record BenchReport(
    string Mode,
    string Description,
    string Workload,
    string Server,
    int Connections,
    double WarmupSeconds,
    double MeasuredSeconds,
    bool Interrupted,
    double Throughput,
    ReportCounts Requests,
    double ErrorRate,
    ReportLatency LatencyMs,
    IReadOnlyDictionary<string, long> StatusCodes,
    IReadOnlyDictionary<string, long> Verdicts,
    IReadOnlyList<ReportOperation> Operations,
    ReportLatency? SendLagMs,
    long InFlightLimitReached,
    ReportCredentials? Credentials,
    IReadOnlyList<GateResult> Gates,
    bool Passed)
{
    /// <summary>
    /// The measured period by the wall clock (Unix milliseconds), so that figures taken outside the
    /// generator (a server's CPU time, its metrics) can be matched to exactly this window.
    /// </summary>
    public MeasuredWindow? Window { get; init; }

    /// <summary>
    /// With several --server addresses, all of them (<see cref="Server"/> is the first); null for one. Each of
    /// the <see cref="Connections"/> channels is balanced over them: that many connections per replica.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Replicas { get; init; }

    /// <summary>"open-loop" or "closed-loop".</summary>
    public const string OpenLoop = "open-loop";

    /// <summary>The closed-loop mode's name.</summary>
    public const string ClosedLoop = "closed-loop";

    /// <summary>Assembles the report of a finished run.</summary>
    public static BenchReport Create(
        BenchPlan plan,
        Uri server,
        BenchStatistics statistics,
        double measuredSeconds,
        bool interrupted,
        long inFlightLimitReached,
        ReportCredentials? credentials)
    {
        var gates = plan.Gates.Evaluate(statistics);
        var total = statistics.Total;
        var operations = statistics.Operations.Select((o, i) =>
        {
            var roadside = i < plan.Mix.Entries.Count && plan.Mix.Entries[i].Workload == ELicense.Bench.Workload.Roadside;
            return new ReportOperation(
                o.Name, Counts(o, 0), o.ErrorRate, Rate(o.Completed, measuredSeconds), ReportLatency.From(o.Latency),
                StatusNames(o.Statuses), roadside ? OutcomeNames(o.Verdicts) : VerdictNames(o.Verdicts))
            {
                Roadside = roadside ? ReportRoadside.From(o.Verdicts) : null,
            };
        }).ToList();
        return new BenchReport(
            plan.OpenLoop is null ? ClosedLoop : OpenLoop,
            plan.ModeDescription,
            plan.Mix.Description,
            server.ToString(),
            plan.Connections,
            plan.Warmup.TotalSeconds,
            Math.Round(measuredSeconds, 6),
            interrupted,
            Rate(total.Completed, measuredSeconds),
            Counts(total, statistics.WarmupRequests),
            total.ErrorRate,
            ReportLatency.From(total.Latency),
            StatusNames(total.Statuses),
            // By name, from the operations: verify's verdict numbers and roadside's outcome codes are different scales.
            new SortedDictionary<string, long>(operations.SelectMany(o => o.Verdicts).GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.Sum(v => v.Value)),
                StringComparer.Ordinal),
            operations,
            statistics.SendLag is { } lag ? ReportLatency.From(lag) : null,
            inFlightLimitReached,
            credentials,
            gates,
            gates.All(g => g.Passed));
    }

    private static ReportCounts Counts(OperationStatistics o, long warmup) =>
        new(o.Completed, o.Ok, o.Errors, o.NotSent, o.Abandoned, warmup);

    private static double Rate(long count, double seconds) => seconds > 0 ? Math.Round(count / seconds, 3) : 0;

    private static SortedDictionary<string, long> StatusNames(IReadOnlyDictionary<StatusCode, long> statuses) =>
        new(statuses.ToDictionary(s => ErrorView.CodeName(s.Key), s => s.Value), StringComparer.Ordinal);

    private static readonly Google.Protobuf.Reflection.EnumDescriptor VerdictDescriptor =
        VerificationServiceReflection.Descriptor.EnumTypes.Single(e => e.ClrType == typeof(Verdict));

    /// <summary>A verdict number as the contract names it, e.g. VERDICT_VALID.</summary>
    public static string VerdictName(int verdict) =>
        VerdictDescriptor.FindValueByNumber(verdict)?.Name ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"VERDICT_{verdict}");

    private static SortedDictionary<string, long> VerdictNames(IReadOnlyDictionary<int, long> verdicts) =>
        new(verdicts.ToDictionary(v => VerdictName(v.Key), v => v.Value), StringComparer.Ordinal);

    private static SortedDictionary<string, long> OutcomeNames(IReadOnlyDictionary<int, long> codes) =>
        new(codes.ToDictionary(c => RoadsideOutcome.Name(c.Key), c => c.Value), StringComparer.Ordinal);
}
