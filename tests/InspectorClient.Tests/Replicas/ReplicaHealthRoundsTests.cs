using ELicense.Client.Connection;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Inspector.Tests.Replicas;

/// <summary>How answers carry from one round to the next, when they are used, and when rounds start.</summary>
public sealed class ReplicaHealthRoundsTests
{
    private static readonly Uri A = new("http://127.0.0.1:5081");
    private static readonly Uri B = new("http://127.0.0.1:5082");
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<bool> Hangs() => new TaskCompletionSource<bool>().Task;

    [Fact]
    public async Task PollOnce_NotServingThenTimedOut_StaysNotServingAndChoiceLeavesIt()
    {
        var time = new FakeTimeProvider();
        var round = 1;
        // Round 1: A drains and says so, B is slow. Round 2: both are slow.
        using var health = new ReplicaHealth([A, B], (server, _) => round == 1 && server == A ? Task.FromResult(false) : Hangs(),
            time, Interval, Timeout);
        var first = health.PollOnceAsync(Ct);
        time.Advance(Timeout);
        await first.WaitAsync(Bound, Ct);
        Assert.Equal([ReplicaState.NotServing, ReplicaState.Unanswered], health.States());

        round = 2;
        var second = health.PollOnceAsync(Ct);
        time.Advance(Timeout);
        await second.WaitAsync(Bound, Ct);
        var choice = new ServingChoice<Uri>([A, B], u => health.StateOf(u.Host, u.Port));

        // A timed-out check says nothing new: A asked to be left, and it is left while B is there.
        Assert.Equal([ReplicaState.NotServing, ReplicaState.Unanswered], health.States());
        Assert.Equal<Uri>([B, B, B, B], Enumerable.Range(0, 4).Select(_ => choice.Next()!).ToList());
    }

    [Fact]
    public async Task PollOnce_OneCheckHangs_OtherAnswerUsedBeforeTheRoundEnds()
    {
        var time = new FakeTimeProvider();
        using var health = new ReplicaHealth([A, B], (server, _) => server == A ? Hangs() : Task.FromResult(false), time, Interval, Timeout);

        var poll = health.PollOnceAsync(Ct);

        // B's NOT_SERVING is in while A's check still runs: a drain is not seen only once the slowest check ends.
        Assert.False(poll.IsCompleted);
        Assert.Equal([ReplicaState.Serving, ReplicaState.NotServing], health.States());
        time.Advance(Timeout);
        await poll.WaitAsync(Bound, Ct);
        Assert.Equal([ReplicaState.Unanswered, ReplicaState.NotServing], health.States());
    }

    [Fact]
    public async Task Start_RoundTakesTheWholeTimeout_NextRoundStillOneIntervalAfterTheLast()
    {
        var time = new FakeTimeProvider();
        var asked = 0;
        var firstAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var health = new ReplicaHealth([A, B], (server, _) =>
        {
            if (server == A)
            {
                (Interlocked.Increment(ref asked) == 1 ? firstAsked : secondAsked).TrySetResult();
                return Hangs();
            }

            return Task.FromResult(true);
        }, time, Interval, Timeout);
        var polled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        health.Polled += () => polled.TrySetResult();

        health.Start();
        await firstAsked.Task.WaitAsync(Bound, Ct);
        time.Advance(Timeout);
        await polled.Task.WaitAsync(Bound, Ct);
        Assert.Equal(1, Volatile.Read(ref asked));

        // A fixed period: the round's 500 ms count toward the next round's second, not before it.
        time.Advance(Interval - Timeout);
        await secondAsked.Task.WaitAsync(Bound, Ct);
        Assert.Equal(2, Volatile.Read(ref asked));
    }

    [Fact]
    public async Task Dispose_Twice_DoesNotThrowAndStopsPolling()
    {
        var time = new FakeTimeProvider();
        var asked = 0;
        var health = new ReplicaHealth([A, B], (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(true);
        }, time, Interval, Timeout);
        var polled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        health.Polled += () => polled.TrySetResult();
        health.Start();
        await polled.Task.WaitAsync(Bound, Ct);

        health.Dispose();
        health.Dispose();
        time.Advance(Interval * 3);

        Assert.Equal(2, Volatile.Read(ref asked));
    }
}
