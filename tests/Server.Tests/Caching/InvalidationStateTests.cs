using ELicense.Server.Caching;
using ELicense.Server.Tests.Credentials;
using ELicense.V1;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Caching;

/// <summary>When pub/sub counts as live, and the lag bound a cached answer carries otherwise.</summary>
public class InvalidationStateTests
{
    private static readonly TimeSpan Interval = new CacheOptions().ChangeFeedInterval;          // 500 ms
    private static readonly TimeSpan Heartbeat = new CacheOptions().HeartbeatInterval;          // 250 ms
    private static readonly TimeSpan MaxFeedOnlyLag = new CacheOptions().MaxFeedOnlyLag;        // 1 s

    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly InvalidationState _state;

    public InvalidationStateTests()
    {
        _state = new InvalidationState(Options.Create(new CacheOptions()), _time);
        _state.ChannelsMixed(false); // the first agreement check found every replica on this one's kind
    }

    /// <summary>A copy read from the registry a minute ago: its age bounds nothing, the feed does.</summary>
    private FreshnessBound OldCopy() => _state.For(_time.GetUtcNow().AddMinutes(-1).ToUnixTimeMilliseconds());

    private void Poll()
    {
        var started = _state.PollStarting();
        _time.Advance(TimeSpan.FromMilliseconds(5));
        _state.PollSucceeded(started);
    }

    private void GoLive()
    {
        _state.HeartbeatReceived();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Poll();
    }

    [Fact]
    public void For_NeverSubscribed_ReportsFeedOnlyWithIntervalBound()
    {
        Poll();

        var bound = OldCopy();

        Assert.Equal(InvalidationPath.FeedOnly, bound.Path);
        Assert.Equal(Interval, bound.MaxLag);
        Assert.False(bound.TooOld);
    }

    [Fact]
    public void For_HeartbeatBackAndPollAfterIt_ReportsLive()
    {
        GoLive();

        Assert.Equal(InvalidationPath.Live, OldCopy().Path);
    }

    [Fact]
    public void For_ConnectionFailed_ReportsFeedOnly()
    {
        GoLive();

        _state.SubscriptionLost();

        Assert.Equal(InvalidationPath.FeedOnly, OldCopy().Path);
        Assert.Equal(Interval, OldCopy().MaxLag);
    }

    [Fact]
    public void For_ResubscribedButNoPollStartedSince_StillFeedOnlyUntilOneHas()
    {
        GoLive();
        _state.SubscriptionLost();
        var startedBeforeResubscribe = _state.PollStarting();
        _time.Advance(TimeSpan.FromMilliseconds(10));

        _state.HeartbeatReceived();                       // subscription proven again
        _state.PollSucceeded(startedBeforeResubscribe);   // but this poll may have missed the gap's messages
        var notCaughtUp = OldCopy();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Poll();
        var caughtUp = OldCopy();

        Assert.Equal(InvalidationPath.FeedOnly, notCaughtUp.Path);
        Assert.Equal(InvalidationPath.Live, caughtUp.Path);
    }

    [Fact]
    public void For_HeartbeatsStopWhileConnected_ReportsFeedOnlyAfterSilence()
    {
        GoLive();

        _time.Advance(Heartbeat * InvalidationState.SilentHeartbeats - TimeSpan.FromMilliseconds(20)); // 6 ms went on GoLive, 5 more on Poll
        Poll();
        var stillLive = OldCopy();
        _time.Advance(TimeSpan.FromMilliseconds(20));      // a frozen Redis: no loss event, just silence
        var silent = OldCopy();

        Assert.Equal(InvalidationPath.Live, stillLive.Path);
        Assert.Equal(InvalidationPath.FeedOnly, silent.Path);
    }

    [Fact]
    public void For_HeartbeatsReturnAfterSilence_NeedAFreshPollAgain()
    {
        GoLive();
        _time.Advance(TimeSpan.FromSeconds(2));
        Poll();                                            // polled during the silence

        _state.HeartbeatReceived();
        var backButBehind = OldCopy();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Poll();

        Assert.Equal(InvalidationPath.FeedOnly, backButBehind.Path);
        Assert.Equal(InvalidationPath.Live, OldCopy().Path);
    }

    [Fact]
    public void For_PollsFailingWithoutPubSub_BoundGrowsThenTooOld()
    {
        Poll();
        var lastGoodStart = _time.GetUtcNow() - TimeSpan.FromMilliseconds(5);

        _time.Advance(TimeSpan.FromMilliseconds(800));
        var growing = OldCopy();
        _time.Advance(MaxFeedOnlyLag);
        var tooOld = OldCopy();

        Assert.Equal(InvalidationPath.FeedOnly, growing.Path);
        Assert.Equal(_time.GetUtcNow() - MaxFeedOnlyLag - lastGoodStart, growing.MaxLag);
        Assert.False(growing.TooOld);
        Assert.Equal(InvalidationPath.None, tooOld.Path);
        Assert.True(tooOld.TooOld);
        Assert.Equal(_time.GetUtcNow() - lastGoodStart, tooOld.MaxLag);
    }

    [Fact]
    public void For_PollsFailingButPubSubLive_BoundGrowsButServedFresh()
    {
        GoLive();

        for (var i = 0; i < 20; i++)
        {
            _time.Advance(Heartbeat);
            _state.HeartbeatReceived();
        }

        var bound = OldCopy();
        Assert.Equal(InvalidationPath.Live, bound.Path);
        Assert.True(bound.MaxLag >= Heartbeat * 20);
        Assert.False(bound.TooOld);
    }

    [Fact]
    public void For_NeverPolled_CopyIsBoundByItsAgeOnly()
    {
        var young = _state.For(_time.GetUtcNow().AddMilliseconds(-300).ToUnixTimeMilliseconds());
        var old = OldCopy();

        Assert.Equal(TimeSpan.FromMilliseconds(300), young.MaxLag);
        Assert.False(young.TooOld);
        Assert.Equal(InvalidationPath.None, old.Path);
        Assert.True(old.TooOld);
    }

    [Fact]
    public void Validate_MaxFeedOnlyLagNotAboveInterval_IsRejected()
    {
        var options = new CacheOptions { ChangeFeedInterval = TimeSpan.FromSeconds(1), MaxFeedOnlyLag = TimeSpan.FromSeconds(1) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Single(errors);
    }

    [Fact]
    public void HeartbeatSilent_NoneYetThenOneThenPastTheWindow_TrueFalseTrue()
    {
        Assert.True(_state.HeartbeatSilent());
        _state.HeartbeatReceived();
        _time.Advance(Heartbeat * InvalidationState.SilentHeartbeats);
        Assert.False(_state.HeartbeatSilent());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_state.HeartbeatSilent());
    }

    [Fact]
    public void For_NewReplicaBeforeItsFirstAgreementCheck_FeedOnly()
    {
        var state = new InvalidationState(Options.Create(new CacheOptions()), _time);
        state.HeartbeatReceived();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var started = state.PollStarting();
        state.PollSucceeded(started);
        var beforeCheck = state.For(_time.GetUtcNow().AddMinutes(-1).ToUnixTimeMilliseconds());
        state.ChannelsMixed(false);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        state.PollSucceeded(state.PollStarting());

        Assert.Equal(InvalidationPath.FeedOnly, beforeCheck.Path); // peers may be on the other kind: it cannot know yet
        Assert.Equal(InvalidationPath.Live, state.Path);
    }

    [Fact]
    public void For_ReplicasOnDifferentChannelKinds_FeedOnlyUntilTheyAgreeAndAPollCatchesUp()
    {
        GoLive();
        Assert.Equal(InvalidationPath.Live, OldCopy().Path);

        _state.ChannelsMixed(true); // another live replica publishes where this one does not listen
        _state.HeartbeatReceived(); // this replica's own heartbeats still come back
        var mixed = OldCopy();
        _state.ChannelsMixed(false);
        _state.HeartbeatReceived();
        var agreedButBehind = OldCopy();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Poll();

        Assert.Equal(InvalidationPath.FeedOnly, mixed.Path);
        Assert.Equal(InvalidationPath.FeedOnly, agreedButBehind.Path); // what the other kind carried meanwhile: only the feed has it
        Assert.Equal(InvalidationPath.Live, OldCopy().Path);
    }
}
