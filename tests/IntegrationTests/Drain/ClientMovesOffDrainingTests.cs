using System.Diagnostics;
using System.Globalization;
using ELicense.Client.Connection;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.IntegrationTests.MultiReplica;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.Drain;

/// <summary>
/// The drain seen from the inspector's balanced client: three replicas (two in this process, one a child
/// process that gets SIGTERM) under a steady, paced load of lookups and verifications. The child reports
/// NOT_SERVING, keeps serving for its grace, then stops; the client must leave it on its next health round
/// without one failed call. The child logs every request it starts with a UTC timestamp (ASP.NET Core's
/// hosting log), which is how the test knows what it got after the client saw NOT_SERVING.
/// </summary>
public sealed class ClientMovesOffDrainingTests
{
    private const string Device = "hh-drain-move-1";
    private const int Workers = 4;
    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>Each worker's pace: 4 workers at 40 ms is about 100 calls/s, far below the officer's rate limit.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(40);

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_OneOfThreeReplicasUnderLoad_ClientLeavesItWithoutFailedCallsAndItExitsZero()
    {
        await using var set = await ReplicaSet.StartAsync(2);
        var licenses = new List<string>();
        var codes = new List<string>();
        for (var i = 0; i < Workers; i++)
        {
            var license = await TestData.CreateLicenseAsync(set[0]);
            licenses.Add(license.LicenseNumber);
            codes.Add(await TestData.IssueAsync(set[0], license.LicenseNumber));
        }

        await PrivateReplicas.WaitUntilSharedAsync(set[0], licenses[0]);
        await PrivateReplicas.WaitUntilSharedAsync(set[1], licenses[0]);
        await using var child = ServerProcess.Start(set.DataDirectory,
        [
            $"--Redis:Configuration={set.Redis.Configuration}",
            $"--Redis:ProtectionKeyPath={Path.Combine(set.DataDirectory, "redis-protection-key")}",
            "--Cache:ChangeFeedInterval=00:00:00.250",
            $"--Drain:Grace={Grace}",
            "--Drain:MaxCallDuration=00:00:10",
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
            "--Logging:Console:FormatterOptions:UseUtcTimestamp=true",
            $"--Logging:Console:FormatterOptions:TimestampFormat={TimestampFormat} ",
        ]);
        await child.WaitUntilListeningAsync(TimeSpan.FromSeconds(60), Ct);
        var retries = 0;
        // The shipped health check bound (1 s): a healthy replica whose check times out on a loaded host is
        // still preferred over the NOT_SERVING child, and the child's NOT_SERVING survives its own timed-out checks.
        using var session = new RpcSession(ReplicaSet.Options([set[0].Address, set[1].Address, child.Address], retries: 2, device: Device),
            onRetry: _ => Interlocked.Increment(ref retries));
        var health = session.Health!;
        // The end of the first round with the child NOT_SERVING; its state was written (and read by the picker)
        // as its answer came, at or before this.
        var sawNotServing = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        health.Polled += () =>
        {
            if (health.States()[2] == ReplicaState.NotServing)
            {
                sawNotServing.TrySetResult(TimeProvider.System.GetUtcNow());
            }
        };

        await using var load = SteadyLoad.Start(session, licenses, codes, Pace, Device);
        // The child takes its share before the signal, or leaving it would prove nothing.
        await TestData.EventuallyAsync(() => Task.FromResult(ChildCalls(child).Count >= 20 && set.Counters.All(c => ApiCalls(c) > 20)),
            TimeSpan.FromSeconds(30));
        Assert.Empty(load.Failures);

        var sigterm = TimeProvider.System.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        await child.TerminateAsync(Ct);
        var seen = await sawNotServing.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        var exitedAfter = stopwatch.Elapsed;
        // The load goes on past the exit: the client must also do without the replica once it is gone.
        var afterExit = load.Completed;
        await TestData.EventuallyAsync(() => Task.FromResult(load.Completed >= afterExit + 100), TimeSpan.FromSeconds(30));
        var result = await load.StopAsync();

        var childCalls = ChildCalls(child);
        // Calls the child started after the client saw NOT_SERVING: only ones picked before, still on their way.
        // Each worker has at most one call in flight and none was retried (asserted below), so at most one each;
        // a bound by count, not by time, which would compare the child's log clock with this one under load.
        var late = childCalls.Where(t => t > seen).ToList();
        var lastAfterSeen = childCalls.Count == 0 ? TimeSpan.Zero : childCalls.Max() - seen;
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"drain under load: {result.Calls} calls ({result.Lookups} lookups, {result.Verifications} verifications), {result.Failures.Count} failed, " +
            $"{retries} retried attempts; p50 {result.Percentile(0.50):F1} ms, p99 {result.Percentile(0.99):F1} ms, max {result.Percentile(1):F1} ms; " +
            $"child: {childCalls.Count} calls ({late.Count} after NOT_SERVING was seen), NOT_SERVING seen {(seen - sigterm).TotalMilliseconds:F0} ms after SIGTERM, its last call started " +
            $"{lastAfterSeen.TotalMilliseconds:F0} ms after that, exit {exitCode} after {exitedAfter.TotalSeconds:F1} s; " +
            $"in-process replicas: {string.Join(", ", set.Counters.Select(ApiCalls))} calls"));

        Assert.Empty(result.Failures);
        Assert.Equal(0, retries);
        Assert.All(result.Verdicts, v => Assert.Equal(Verdict.Valid, v));
        Assert.Equal(0, exitCode);
        Assert.Contains("Draining: NOT_SERVING", child.StandardOutput, StringComparison.Ordinal);
        // The client saw NOT_SERVING well within the grace: the child still served then, so it got no calls because the client left it.
        Assert.True(seen - sigterm < Grace / 2, $"NOT_SERVING seen {seen - sigterm} after SIGTERM: too close to the {Grace} grace to prove anything");
        Assert.True(late.Count <= Workers,
            $"the draining replica started {late.Count} calls after the client saw NOT_SERVING, more than the {Workers} workers' calls in flight (last {lastAfterSeen})");
        Assert.True(exitedAfter >= Grace, $"the child exited {exitedAfter} after SIGTERM, within its grace");
    }

    /// <summary>The load's calls one in-process replica answered (its Total also counts the health checks).</summary>
    private static int ApiCalls(CallCounter counter) => counter.Calls("GetLicense") + counter.Calls("VerifyCredential");

    /// <summary>When the child started each API call (health checks left out), from its hosting log.</summary>
    private static List<DateTimeOffset> ChildCalls(ServerProcess child) =>
        child.StandardOutput.Split('\n')
            .Where(line => line.Contains("Request starting", StringComparison.Ordinal) && line.Contains("/elicense.v1.", StringComparison.Ordinal))
            .Select(line => DateTimeOffset.ParseExact(line[..TimestampFormat.Length], TimestampFormat,
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            .ToList();
}
