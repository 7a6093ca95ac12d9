using System.Collections.Concurrent;
using System.Diagnostics;
using ELicense.Client.Connection;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.IntegrationTests.Faults;

/// <summary>How much load a <see cref="MixedLoad"/> makes and of what kinds.</summary>
public sealed record MixedLoadSettings
{
    /// <summary>Concurrent workers, each one call at a time (handhelds).</summary>
    public int Workers { get; init; } = 3;

    /// <summary>The load ends by itself after this many calls in all.</summary>
    public int MaxCalls { get; init; } = 20_000;

    /// <summary>The load ends by itself after this long.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Each worker's pause between calls (keeps a 2-core machine from being swamped; zero for none).</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Relative weights of fresh scans, lookups, replays and scans of revoked credentials.</summary>
    public (int Fresh, int Lookup, int Replay, int Revoked) Mix { get; init; } = (3, 3, 3, 1);

    /// <summary>
    /// The fault leaves the claim store (Redis) alone: a replay whose first scan was answered with a SHARED replay
    /// check must then be REPLAYED, and a VALID for it is wrong whatever its own replay check (see <see cref="AnswerJudge"/>).
    /// </summary>
    public bool ClaimsIntact { get; init; }
}

/// <summary>
/// A bounded mixed load through the multi-address client (an <see cref="RpcSession"/> built from the
/// inspector's <see cref="ConnectionOptions"/>, with its balancer and retries): a few workers issuing fresh
/// first scans, GetLicense lookups, replays of credentials scanned VALID earlier (from another device) and
/// scans of a revoked licence's credentials. Every call is recorded (<see cref="LoadCall"/>: start, end,
/// status, answer, and whether the answer is wrong by <see cref="AnswerJudge"/>).
/// </summary>
/// <example>
/// <code>
/// var plan = await MixedLoadPlan.PrepareAsync(replica.Registry);
/// using var session = new RpcSession(ReplicaSet.Options(addresses));
/// await using var load = MixedLoad.Start(session, plan, new MixedLoadSettings());
/// await load.WaitForCallsAsync(200, TimeSpan.FromSeconds(20));
/// var faultStart = load.Elapsed; /* the fault */ var faultEnd = load.Elapsed;
/// await load.WaitUntilAsync(faultEnd + TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20));
/// await load.StopAsync();
/// TestContext.Current.SendDiagnosticMessage(load.Report("kill", faultStart, faultEnd + settle).ToString());
/// </code>
/// </example>
public sealed class MixedLoad : IAsyncDisposable
{
    private readonly RpcSession _session;
    private readonly MixedLoadPlan _plan;
    private readonly MixedLoadSettings _settings;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<LoadCall> _calls = new();
    private readonly List<(LoadCredential Credential, ReplayCheck FirstCheck)> _scanned = []; // guarded by itself
    private readonly string[] _licences;
    private readonly Task _workers;
    private int _started;

    private MixedLoad(RpcSession session, MixedLoadPlan plan, MixedLoadSettings settings)
    {
        _session = session;
        _plan = plan;
        _settings = settings;
        _licences = [.. plan.Licences.Keys];
        _workers = Task.WhenAll(Enumerable.Range(0, settings.Workers).Select(w => Task.Run(() => WorkAsync(w))));
    }

    /// <summary>Starts the workers now; they run until <see cref="StopAsync"/> or the settings' bounds.</summary>
    public static MixedLoad Start(RpcSession session, MixedLoadPlan plan, MixedLoadSettings? settings = null) =>
        new(session, plan, settings ?? new MixedLoadSettings());

    /// <summary>Time since the load started: mark a fault's start and end with it.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Every call finished so far, in the order they finished.</summary>
    public IReadOnlyList<LoadCall> Calls => [.. _calls];

    /// <summary>Calls finished so far.</summary>
    public int CallCount => _calls.Count;

    /// <summary>True once every worker has ended (stopped, or a bound reached).</summary>
    public bool Ended => _workers.IsCompleted;

    /// <summary>Waits (polling, bounded) until at least <paramref name="count"/> calls have finished.</summary>
    public Task<TimeSpan> WaitForCallsAsync(int count, TimeSpan deadline) =>
        TestData.EventuallyAsync(() => Task.FromResult(_calls.Count >= count || Ended), deadline);

    /// <summary>Waits (polling, bounded) until <see cref="Elapsed"/> passes <paramref name="at"/> with calls still running.</summary>
    public Task<TimeSpan> WaitUntilAsync(TimeSpan at, TimeSpan deadline) =>
        TestData.EventuallyAsync(() => Task.FromResult(Elapsed >= at || Ended), deadline);

    /// <summary>
    /// Waits (polling, bounded) until the calls started from <paramref name="from"/> hold at least <paramref name="least"/>
    /// authoritative answers of each scan kind (<see cref="FaultWindowReport.TooFewAuthoritative"/>), or the load has
    /// ended: a slow machine gets the answers later, not a weaker check. Past <paramref name="deadline"/> it returns
    /// anyway, and the test's assertion names what is short.
    /// </summary>
    public async Task WaitForAuthoritativeAsync(TimeSpan from, int least, TimeSpan deadline)
    {
        try
        {
            await TestData.EventuallyAsync(() => Task.FromResult(After("", from).TooFewAuthoritative(least) is null || Ended), deadline);
        }
        catch (TimeoutException)
        {
            // Not an error here: the test's own assertion on TooFewAuthoritative then fails with the counts per kind.
        }
    }

    /// <summary>The report for calls overlapping [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public FaultWindowReport Report(string name, TimeSpan from, TimeSpan to) => FaultWindowReport.For(name, Calls, from, to);

    /// <summary>The report for the calls that started at or after <paramref name="from"/>: what the fleet answered once the fault was over.</summary>
    public FaultWindowReport After(string name, TimeSpan from) =>
        FaultWindowReport.For(name, Calls.Where(c => c.Start >= from), from, TimeSpan.MaxValue);

    /// <summary>The report for the whole run.</summary>
    public FaultWindowReport Overall(string name) => FaultWindowReport.For(name, Calls, TimeSpan.Zero, TimeSpan.MaxValue);

    /// <summary>Stops the workers (a call in flight finishes and is recorded) and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _workers;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync(int worker)
    {
        var random = new Random(worker * 7919 + 17);
        var (fresh, lookup, replay, revoked) = _settings.Mix;
        var total = fresh + lookup + replay + revoked;
        while (!_stop.IsCancellationRequested && _clock.Elapsed < _settings.MaxDuration && Interlocked.Increment(ref _started) <= _settings.MaxCalls)
        {
            var pick = random.Next(total);
            var kind = pick < fresh ? LoadCallKind.Fresh
                : pick < fresh + lookup ? LoadCallKind.Lookup
                : pick < fresh + lookup + replay ? LoadCallKind.Replay
                : LoadCallKind.Revoked;
            _calls.Enqueue(await CallAsync(kind, worker, random));
            if (_settings.Pause > TimeSpan.Zero && !_stop.IsCancellationRequested)
            {
                await Task.Delay(_settings.Pause);
            }
        }
    }

    private async Task<LoadCall> CallAsync(LoadCallKind kind, int worker, Random random)
    {
        // Out of fresh credentials, or none scanned yet to replay: a lookup instead.
        LoadCredential? credential = null;
        var firstCheck = ReplayCheck.Unspecified;
        if (kind == LoadCallKind.Replay)
        {
            (credential, firstCheck) = PickScanned(random);
        }

        if (kind == LoadCallKind.Fresh && !_plan.TryTakeUnscanned(out credential) || kind == LoadCallKind.Replay && credential is null)
        {
            kind = LoadCallKind.Lookup;
        }

        credential = kind == LoadCallKind.Revoked ? _plan.Revoked[random.Next(_plan.Revoked.Count)] : credential;
        var start = _clock.Elapsed;
        var number = kind == LoadCallKind.Lookup ? _licences[random.Next(_licences.Length)] : credential!.LicenseNumber;
        try
        {
            if (kind == LoadCallKind.Lookup)
            {
                var r = await _session.CallAsync(o => _session.Verification.GetLicenseAsync(
                    new GetLicenseRequest { LicenseNumber = number, Purpose = LookupPurpose.RoadsideCheck }, o), CancellationToken.None);
                var stale = r.Freshness is { Stale: true };
                return new LoadCall(kind, worker, start, _clock.Elapsed, StatusCode.OK, $"{r.License?.Status}{(stale ? " stale" : "")}",
                    AnswerJudge.Lookup(number, _plan.Licences[number], r), stale, Stale: stale, LicenseNumber: number);
            }

            // Fresh and revoked scans come from the worker's own handheld; replays from another one.
            var device = kind == LoadCallKind.Replay ? $"replay-w{worker}" : $"scan-w{worker}";
            var v = await _session.VerifyAsync(new VerifyCredentialRequest { QrPayload = credential!.Payload, DeviceId = device }, CancellationToken.None);
            var wrong = AnswerJudge.Verification(kind, credential.LicenseNumber, v, new JudgeOptions(_settings.ClaimsIntact, firstCheck));
            if (kind == LoadCallKind.Fresh && v.Verdict == Verdict.Valid)
            {
                lock (_scanned)
                {
                    // With the replay check it got: whether its claim was stored authoritatively decides what a replay may answer.
                    _scanned.Add((credential, v.ReplayCheck));
                }
            }

            var staleScan = v.Freshness is { Stale: true };
            return new LoadCall(kind, worker, start, _clock.Elapsed, StatusCode.OK, $"{v.Verdict}/{v.ReplayCheck}{(staleScan ? " stale" : "")}", wrong,
                AnswerJudge.IsDegraded(v), Stale: staleScan, Authoritative: AnswerJudge.IsAuthoritative(kind, v), LicenseNumber: number);
        }
        catch (RpcException e)
        {
            var details = e.GetRpcStatus();
            var reason = details?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;
            return new LoadCall(kind, worker, start, _clock.Elapsed, e.StatusCode, reason ?? e.Status.Detail, Wrong: null, Degraded: false,
                RetryInfo: details?.GetDetail<Google.Rpc.RetryInfo>() is { RetryDelay: not null }, ErrorReason: reason, LicenseNumber: number);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not a gRPC failure (a client-side fault): counted as an error, never silently dropped.
            return new LoadCall(kind, worker, start, _clock.Elapsed, StatusCode.Unknown, e.GetType().Name + ": " + e.Message, Wrong: null, Degraded: false, LicenseNumber: number);
        }
    }

    private (LoadCredential? Credential, ReplayCheck FirstCheck) PickScanned(Random random)
    {
        lock (_scanned)
        {
            return _scanned.Count == 0 ? (null, ReplayCheck.Unspecified) : _scanned[random.Next(_scanned.Count)];
        }
    }
}
