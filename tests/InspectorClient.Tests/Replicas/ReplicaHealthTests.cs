using ELicense.Client.Connection;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Inspector.Tests.Replicas;

public sealed class ReplicaHealthTests
{
    private static readonly Uri A = new("http://127.0.0.1:5081");
    private static readonly Uri B = new("http://127.0.0.1:5082");
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReplicaHealth Create(FakeTimeProvider time, Func<Uri, CancellationToken, Task<bool>> check) =>
        new([A, B], check, time, Interval, Timeout);

    [Fact]
    public void StateOf_BeforeAnyAnswer_CountsEveryReplicaAsServing()
    {
        using var health = Create(new FakeTimeProvider(), (_, _) => Task.FromResult(false));

        Assert.Equal([ReplicaState.Serving, ReplicaState.Serving], health.States());
    }

    [Fact]
    public async Task PollOnce_OneNotServingOneThrows_NotServingAndUnanswered()
    {
        using var health = Create(new FakeTimeProvider(), (server, _) =>
            server == A ? Task.FromResult(false) : Task.FromException<bool>(new HttpRequestException("refused")));

        await health.PollOnceAsync(Ct).WaitAsync(Bound, Ct);

        Assert.Equal([ReplicaState.NotServing, ReplicaState.Unanswered], health.States());
    }

    [Fact]
    public async Task PollOnce_CheckHangs_UnansweredOnceTheTimeoutPassesNotNotServing()
    {
        var time = new FakeTimeProvider();
        using var health = Create(time, (server, _) => server == A ? new TaskCompletionSource<bool>().Task : Task.FromResult(true));

        var poll = health.PollOnceAsync(Ct);
        Assert.False(poll.IsCompleted);
        time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(poll.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await poll.WaitAsync(Bound, Ct);

        // A check that timed out says nothing about the replica: unanswered, which the picker still calls
        // when nothing better is connected, where a NOT_SERVING one is called only when all are.
        Assert.Equal(ReplicaState.Unanswered, health.StateOf("127.0.0.1", 5081));
        Assert.Equal(ReplicaState.Serving, health.StateOf("127.0.0.1", 5082));
    }

    [Fact]
    public async Task PollOnce_AllChecksTimeOut_ChoiceStillCallsThem()
    {
        var time = new FakeTimeProvider();
        using var health = Create(time, (_, _) => new TaskCompletionSource<bool>().Task);
        var poll = health.PollOnceAsync(Ct);
        time.Advance(Timeout);
        await poll.WaitAsync(Bound, Ct);
        Uri[] ready = [A, B];

        var choice = new ServingChoice<Uri>(ready, u => health.StateOf(u.Host, u.Port));

        Assert.Equal([ReplicaState.Unanswered, ReplicaState.Unanswered], health.States());
        Assert.Equal<Uri>([B, A, B, A], Enumerable.Range(0, 4).Select(_ => choice.Next()!).ToList());
    }

    [Fact]
    public async Task PollOnce_SlowReplicasAndOneNotServing_ChoiceLeavesTheNotServingOne()
    {
        var time = new FakeTimeProvider();
        // A drains and says so; B is slow: its check outlasts the bound.
        using var health = Create(time, (server, _) => server == A ? Task.FromResult(false) : new TaskCompletionSource<bool>().Task);
        var poll = health.PollOnceAsync(Ct);
        time.Advance(Timeout);
        await poll.WaitAsync(Bound, Ct);
        Uri[] ready = [A, B];

        var choice = new ServingChoice<Uri>(ready, u => health.StateOf(u.Host, u.Port));

        Assert.Equal<Uri>([B, B, B], Enumerable.Range(0, 3).Select(_ => choice.Next()!).ToList());
    }

    [Fact]
    public async Task Start_EachIntervalOnTheClock_AsksAgainAndFollowsTheAnswer()
    {
        var time = new FakeTimeProvider();
        var aServes = false;
        var rounds = 0;
        using var health = Create(time, (server, _) => Task.FromResult(server != A || Volatile.Read(ref aServes)));
        var first = Round(health);
        health.Start();
        await first.WaitAsync(Bound, Ct);
        Assert.Equal(ReplicaState.NotServing, health.StateOf("127.0.0.1", 5081));

        // No time passes: no second round.
        health.Polled += () => Interlocked.Increment(ref rounds);
        Volatile.Write(ref aServes, true);
        var second = Round(health);
        Assert.Equal(0, Volatile.Read(ref rounds));
        time.Advance(Interval);
        await second.WaitAsync(Bound, Ct);

        Assert.Equal(ReplicaState.Serving, health.StateOf("127.0.0.1", 5081));
    }

    [Fact]
    public void StateOf_AddressNotPolled_CountsAsServing()
    {
        using var health = Create(new FakeTimeProvider(), (_, _) => Task.FromResult(false));

        Assert.Equal(ReplicaState.Serving, health.StateOf("127.0.0.1", 9999));
    }

    private static Task Round(ReplicaHealth health)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler()
        {
            health.Polled -= Handler;
            done.TrySetResult();
        }

        health.Polled += Handler;
        return done.Task;
    }
}
