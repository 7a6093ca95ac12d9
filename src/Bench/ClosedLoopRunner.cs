using Grpc.Core;

namespace ELicense.Bench;

/// <summary>
/// A closed-loop run: <paramref name="Concurrency"/> workers, each sending its next request as soon as the
/// previous one is answered, for <paramref name="Duration"/> after the warm-up and/or <paramref name="Count"/>
/// measured requests.
/// </summary>
public sealed record ClosedLoopPlan(int Concurrency, TimeSpan Warmup, TimeSpan? Duration, long? Count);

/// <summary>
/// Finds the maximum throughput: the server sets the pace. Its latencies run from each request's actual
/// send, so they are not latencies under a given load: a stalled server also stalls the senders, and the
/// requests that would have queued behind it are never sent (coordinated omission). Use the open loop for
/// latency.
/// </summary>
public sealed class ClosedLoopRunner(BenchClock clock, ClosedLoopPlan plan, IBenchTarget target, IBenchSink sink)
{
    private long _next;
    private long _measuredStarted;
    private int _inFlight;

    /// <summary>Requests in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Runs to the plan's end or until <paramref name="stop"/>; <paramref name="abort"/> cancels the requests in flight.</summary>
    public async Task<RunTimes> RunAsync(CancellationToken stop, CancellationToken abort)
    {
        var start = clock.Now;
        var measureStart = start + clock.ToTicks(plan.Warmup);
        var end = plan.Duration is { } duration ? measureStart + clock.ToTicks(duration) : long.MaxValue;
        var workers = new Task[plan.Concurrency];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = WorkAsync(measureStart, end, stop, abort);
        }

        await Task.WhenAll(workers);
        return new RunTimes(start, measureStart, clock.Now);
    }

    private async Task WorkAsync(long measureStart, long end, CancellationToken stop, CancellationToken abort)
    {
        while (!stop.IsCancellationRequested)
        {
            var begin = clock.Now;
            if (begin >= end)
            {
                return;
            }

            var measured = begin >= measureStart;
            if (measured && plan.Count is { } count && Interlocked.Increment(ref _measuredStarted) > count)
            {
                return;
            }

            var index = Interlocked.Increment(ref _next) - 1;
            Interlocked.Increment(ref _inFlight);
            CallOutcome outcome;
            try
            {
                outcome = await target.CallAsync(index, abort);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                outcome = CallOutcome.Failed(0, StatusCode.Unknown);
            }

            Interlocked.Decrement(ref _inFlight);
            sink.Record(outcome, measured, clock.Now - begin, 0);
            if (outcome.Result == CallResult.NotSent)
            {
                // Nothing to send (verify's pool is empty): pause rather than spin until the refill catches up.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(1), clock.Time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
