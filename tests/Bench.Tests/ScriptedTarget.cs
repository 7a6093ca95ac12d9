using ELicense.Bench;

namespace ELicense.Bench.Tests;

/// <summary>A server on a synthetic timeline: answers at once, after a delay, or when the test releases a stall.</summary>
internal sealed class ScriptedTarget(BenchClock clock) : IBenchTarget
{
    // One completion source per held request: a task with several awaiters may resume some of them on the
    // thread pool, one awaiter resumes inline, exactly when the test releases it.
    private readonly List<TaskCompletionSource<CallOutcome>> _held = [];

    /// <summary>Each request's index and send time, in send order.</summary>
    public List<(long Index, long SentAt)> Sent { get; } = [];

    /// <summary>How long an answer takes when not stalled.</summary>
    public TimeSpan ServiceTime { get; set; }

    /// <summary>The answer to request i when not held (default: OK, operation 0, no verdict).</summary>
    public Func<long, CallOutcome> Answer { get; set; } = _ => CallOutcome.Ok(0);

    /// <summary>Requests with an index in this range (inclusive) are held until <see cref="Release"/>: a stalled server.</summary>
    public (long From, long To)? Held { get; set; }

    /// <summary>Answers every held request now.</summary>
    public void Release()
    {
        var held = _held.ToArray();
        _held.Clear();
        foreach (var request in held)
        {
            request.TrySetResult(CallOutcome.Ok(0));
        }
    }

    public ValueTask<CallOutcome> CallAsync(long index, CancellationToken abort)
    {
        Sent.Add((index, clock.Now));
        if (Held is { } held && index >= held.From && index <= held.To)
        {
            var request = new TaskCompletionSource<CallOutcome>();
            _held.Add(request);
            abort.Register(() => request.TrySetResult(CallOutcome.Abandoned(0)));
            return new ValueTask<CallOutcome>(request.Task);
        }

        return ServiceTime > TimeSpan.Zero ? AnswerLaterAsync(index) : ValueTask.FromResult(Answer(index));
    }

    private async ValueTask<CallOutcome> AnswerLaterAsync(long index)
    {
        await Task.Delay(ServiceTime, clock.Time);
        return Answer(index);
    }
}

/// <summary>Keeps every recorded outcome, for exact checks.</summary>
internal sealed class ListSink : IBenchSink
{
    public List<(CallOutcome Outcome, bool Measured, long LatencyTicks, long SendLagTicks)> Records { get; } = [];

    public void Record(in CallOutcome outcome, bool measured, long latencyTicks, long sendLagTicks)
    {
        Records.Add((outcome, measured, latencyTicks, sendLagTicks));
    }
}

/// <summary>Both sinks at once.</summary>
internal sealed class TeeSink(params IBenchSink[] sinks) : IBenchSink
{
    public void Record(in CallOutcome outcome, bool measured, long latencyTicks, long sendLagTicks)
    {
        foreach (var sink in sinks)
        {
            sink.Record(outcome, measured, latencyTicks, sendLagTicks);
        }
    }
}

/// <summary>Helpers to run a scheduler on a fake clock.</summary>
internal static class Timeline
{
    /// <summary>
    /// Starts <paramref name="run"/> with no synchronization context, so that every continuation runs
    /// inline when the fake clock advances or a stall is released: the run is exactly where the timeline says.
    /// </summary>
    public static Task<T> Start<T>(Func<Task<T>> run)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return run();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Advances <paramref name="time"/> in <paramref name="step"/>s until <paramref name="until"/> after its start, or until <paramref name="done"/>.</summary>
    public static void Advance(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan step, TimeSpan until, Task? done = null)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < until && done is not { IsCompleted: true }; elapsed += step)
        {
            time.Advance(step);
        }
    }
}
