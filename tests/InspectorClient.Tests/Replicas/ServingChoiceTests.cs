using ELicense.Client.Connection;

namespace ELicense.Inspector.Tests.Replicas;

public sealed class ServingChoiceTests
{
    private const ReplicaState Serving = ReplicaState.Serving;
    private const ReplicaState Unanswered = ReplicaState.Unanswered;
    private const ReplicaState NotServing = ReplicaState.NotServing;

    private sealed record Replica(string Name, ReplicaState State);

    private static List<string> Picks(ServingChoice<Replica> choice, int count) =>
        Enumerable.Range(0, count).Select(_ => choice.Next()!.Name).ToList();

    private static ServingChoice<Replica> Choice(params Replica[] replicas) => new(replicas, r => r.State);

    [Fact]
    public void Next_AllServing_TakesTurns()
    {
        var choice = Choice(new("a", Serving), new("b", Serving), new("c", Serving));

        Assert.Equal(["b", "c", "a", "b", "c", "a"], Picks(choice, 6));
    }

    [Fact]
    public void Next_OneNotServing_SplitsEvenlyOverTheOthers()
    {
        var choice = Choice(new("a", Serving), new("b", NotServing), new("c", Serving));

        var picks = Picks(choice, 100);

        Assert.DoesNotContain("b", picks);
        Assert.Equal(50, picks.Count(p => p == "a"));
        Assert.Equal(50, picks.Count(p => p == "c"));
    }

    [Fact]
    public void Next_OneServingOthersUnanswered_OnlyTheServingOne()
    {
        var choice = Choice(new("a", Unanswered), new("b", Serving), new("c", Unanswered));

        Assert.Equal(["b", "b", "b"], Picks(choice, 3));
    }

    [Fact]
    public void Next_AllUnanswered_TakesTurnsOverAll()
    {
        // A slow fleet whose checks all timed out still serves: the client calls it rather than refusing.
        var choice = Choice(new("a", Unanswered), new("b", Unanswered), new("c", Unanswered));

        Assert.Equal(["b", "c", "a", "b", "c", "a"], Picks(choice, 6));
    }

    [Fact]
    public void Next_UnansweredAndNotServing_PrefersTheUnansweredOnes()
    {
        // The draining replica said so; the others only did not answer in time: they are called, it is not.
        var choice = Choice(new("a", NotServing), new("b", Unanswered), new("c", Unanswered));

        var picks = Picks(choice, 100);

        Assert.DoesNotContain("a", picks);
        Assert.Equal(50, picks.Count(p => p == "b"));
    }

    [Fact]
    public void Next_NoneServing_FailsOpenOverAllConnected()
    {
        var choice = Choice(new("a", NotServing), new("b", NotServing));

        Assert.Equal(["b", "a", "b", "a"], Picks(choice, 4));
    }

    [Fact]
    public void Next_HealthChangesBetweenPicks_FollowsIt()
    {
        var states = new Dictionary<string, ReplicaState> { ["a"] = Serving, ["b"] = Serving };
        var choice = new ServingChoice<Replica>([new("a", Serving), new("b", Serving)], r => states[r.Name]);
        states["a"] = NotServing;

        Assert.Equal(["b", "b", "b"], Picks(choice, 3));
    }

    [Fact]
    public void Next_NoneConnected_ReturnsNull() =>
        Assert.Null(Choice().Next());

    [Fact]
    public void Next_StartOffset_BeginsThere()
    {
        var choice = new ServingChoice<Replica>([new("a", Serving), new("b", Serving), new("c", Serving)], r => r.State, start: 1);

        Assert.Equal("c", choice.Next()!.Name);
    }
}
