using ELicense.Client.Connection;

namespace ELicense.Inspector.Tests.Replicas;

public sealed class ServingChoiceTests
{
    private sealed record Replica(string Name, bool Serving);

    private static List<string> Picks(ServingChoice<Replica> choice, int count) =>
        Enumerable.Range(0, count).Select(_ => choice.Next()!.Name).ToList();

    [Fact]
    public void Next_AllServing_TakesTurns()
    {
        var choice = new ServingChoice<Replica>([new("a", true), new("b", true), new("c", true)], r => r.Serving);

        Assert.Equal(["b", "c", "a", "b", "c", "a"], Picks(choice, 6));
    }

    [Fact]
    public void Next_OneNotServing_SplitsEvenlyOverTheOthers()
    {
        var choice = new ServingChoice<Replica>([new("a", true), new("b", false), new("c", true)], r => r.Serving);

        var picks = Picks(choice, 100);

        Assert.DoesNotContain("b", picks);
        Assert.Equal(50, picks.Count(p => p == "a"));
        Assert.Equal(50, picks.Count(p => p == "c"));
    }

    [Fact]
    public void Next_NoneServing_FailsOpenOverAllConnected()
    {
        var choice = new ServingChoice<Replica>([new("a", false), new("b", false)], r => r.Serving);

        Assert.Equal(["b", "a", "b", "a"], Picks(choice, 4));
    }

    [Fact]
    public void Next_HealthChangesBetweenPicks_FollowsIt()
    {
        var serving = new Dictionary<string, bool> { ["a"] = true, ["b"] = true };
        var choice = new ServingChoice<Replica>([new("a", true), new("b", true)], r => serving[r.Name]);
        serving["a"] = false;

        Assert.Equal(["b", "b", "b"], Picks(choice, 3));
    }

    [Fact]
    public void Next_NoneConnected_ReturnsNull() =>
        Assert.Null(new ServingChoice<Replica>([], r => r.Serving).Next());

    [Fact]
    public void Next_StartOffset_BeginsThere()
    {
        var choice = new ServingChoice<Replica>([new("a", true), new("b", true), new("c", true)], r => r.Serving, start: 1);

        Assert.Equal("c", choice.Next()!.Name);
    }
}
