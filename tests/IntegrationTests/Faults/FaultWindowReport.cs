using System.Globalization;
using Grpc.Core;

namespace ELicense.IntegrationTests.Faults;

/// <summary>
/// The figures of a <see cref="MixedLoad"/> for one window (a fault's start to its end plus a settling time,
/// or the whole run): calls whose span overlaps the window, errors by status code, wrong answers, degraded
/// answers, latency (retries included) p50/p99/max. <see cref="ToString"/> is one stable line for the test log.
/// </summary>
public sealed class FaultWindowReport
{
    private FaultWindowReport(string name, TimeSpan from, TimeSpan to, IReadOnlyList<LoadCall> calls)
    {
        Name = name;
        From = from;
        To = to;
        CallList = calls;
        Errors = calls.Where(c => !c.Ok).GroupBy(c => c.Status).ToDictionary(g => g.Key, g => g.Count());
        WrongAnswers = calls.Where(c => c.Wrong is not null).ToList();
        var latencies = calls.Select(c => c.Latency).Order().ToList();
        P50 = Percentile(latencies, 0.50);
        P99 = Percentile(latencies, 0.99);
        Max = latencies.Count == 0 ? TimeSpan.Zero : latencies[^1];
    }

    /// <summary>What the window is (e.g. "redis-master-kill window").</summary>
    public string Name { get; }

    /// <summary>The window's start, from the load's start.</summary>
    public TimeSpan From { get; }

    /// <summary>The window's end (<see cref="TimeSpan.MaxValue"/> for "to the end of the run").</summary>
    public TimeSpan To { get; }

    /// <summary>The calls counted here.</summary>
    public IReadOnlyList<LoadCall> CallList { get; }

    /// <summary>How many calls overlapped the window.</summary>
    public int Calls => CallList.Count;

    /// <summary>Failed calls by gRPC status code.</summary>
    public IReadOnlyDictionary<StatusCode, int> Errors { get; }

    /// <summary>All failed calls.</summary>
    public int ErrorCount => Errors.Values.Sum();

    /// <summary>Answered calls whose answer was wrong.</summary>
    public IReadOnlyList<LoadCall> WrongAnswers { get; }

    /// <summary>Answers that said they were degraded (stale, LOCAL_ONLY, SHARED_INCOMPLETE, STATUS_UNAVAILABLE).</summary>
    public int Degraded => CallList.Count(c => c.Degraded);

    /// <summary>
    /// Answers that knew, of the kind expected, per scan kind (<see cref="AnswerJudge.IsAuthoritative"/>): replays
    /// REPLAYED, revoked LICENSE_NOT_VALID, fresh VALID/SHARED not stale. Every kind is present, zero when none.
    /// </summary>
    public IReadOnlyDictionary<LoadCallKind, int> Authoritative =>
        new[] { LoadCallKind.Fresh, LoadCallKind.Replay, LoadCallKind.Revoked }.ToDictionary(k => k, k => CallList.Count(c => c.Kind == k && c.Authoritative));

    /// <summary>
    /// The scan kinds with fewer than <paramref name="least"/> authoritative answers, described, or null when none:
    /// "no wrong answer" means little if the fleet said "cannot tell" (STATUS_UNAVAILABLE, or failed) everywhere.
    /// </summary>
    public string? TooFewAuthoritative(int least)
    {
        var lacking = Authoritative.Where(a => a.Value < least).Select(a => $"{a.Key} {a.Value}").ToList();
        return lacking.Count == 0 ? null
            : $"{Name}: fewer than {least} authoritative answers for {string.Join(", ", lacking)} (answers: " +
              string.Join(", ", CallList.Where(c => c.Kind != LoadCallKind.Lookup).GroupBy(c => $"{c.Kind} {c.Status} {c.Answer}").Select(g => $"{g.Key} x{g.Count()}")) + ")";
    }

    /// <summary>Median latency.</summary>
    public TimeSpan P50 { get; }

    /// <summary>99th percentile latency (nearest rank).</summary>
    public TimeSpan P99 { get; }

    /// <summary>The slowest call.</summary>
    public TimeSpan Max { get; }

    /// <summary>The report over the calls of <paramref name="calls"/> whose span overlaps [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static FaultWindowReport For(string name, IEnumerable<LoadCall> calls, TimeSpan from, TimeSpan to) =>
        new(name, from, to, calls.Where(c => c.Overlaps(from, to)).ToList());

    /// <summary>
    /// One line: <c>FaultWindowReport NAME: window 12.345-17.890 s, calls 512, errors 0 (none), wrong 0, degraded 31,
    /// authoritative fresh/replay/revoked 140/150/48, p50 5 ms, p99 120 ms, max 830 ms</c> (window "whole run" when it has no
    /// end, "calls started from 12.345 s" for <see cref="MixedLoad.After"/>; errors listed as CODE=count).
    /// </summary>
    public override string ToString()
    {
        var window = To == TimeSpan.MaxValue
            ? From == TimeSpan.Zero ? "whole run" : string.Create(CultureInfo.InvariantCulture, $"calls started from {From.TotalSeconds:0.000} s")
            : string.Create(CultureInfo.InvariantCulture, $"{From.TotalSeconds:0.000}-{To.TotalSeconds:0.000} s");
        var errors = Errors.Count == 0 ? "none" : string.Join(" ", Errors.OrderBy(e => e.Key.ToString()).Select(e => $"{e.Key}={e.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"FaultWindowReport {Name}: window {window}, calls {Calls}, errors {ErrorCount} ({errors}), wrong {WrongAnswers.Count}, degraded {Degraded}, " +
            $"authoritative fresh/replay/revoked {Authoritative[LoadCallKind.Fresh]}/{Authoritative[LoadCallKind.Replay]}/{Authoritative[LoadCallKind.Revoked]}, " +
            $"p50 {P50.TotalMilliseconds:0} ms, p99 {P99.TotalMilliseconds:0} ms, max {Max.TotalMilliseconds:0} ms");
    }

    /// <summary>The first few failed and wrong calls, for an assertion message.</summary>
    public string Describe(int most = 10) =>
        string.Join("; ", CallList.Where(c => !c.Ok || c.Wrong is not null).Take(most).Select(c => c.ToString()));

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
