using ELicense.Server.Caching;
using ELicense.Server.Tests.Credentials;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Caching;

/// <summary>When a silent subscription is made again: only while Redis takes the heartbeats, once per silence window.</summary>
public class SubscriptionWatchTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(750);
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly SubscriptionWatch _watch;

    public SubscriptionWatchTests() => _watch = new SubscriptionWatch(Silence, _time);

    [Fact]
    public void ShouldRenew_SilentPastTheWindowWhileHeartbeatsAreTaken_OnceThenWaitsAnotherWindow()
    {
        Assert.False(_watch.ShouldRenew(subscribed: true, published: true, heartbeatSilent: true)); // just subscribed
        _time.Advance(Silence);
        Assert.False(_watch.ShouldRenew(true, true, true)); // not past the window yet
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_watch.ShouldRenew(true, true, true));
        _time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.False(_watch.ShouldRenew(true, true, true)); // the new subscription gets its own window
        _time.Advance(Silence);
        Assert.True(_watch.ShouldRenew(true, true, true));
    }

    [Fact]
    public void ShouldRenew_HeartbeatsRefused_NeverRenews()
    {
        _watch.ShouldRenew(true, false, true);
        _time.Advance(Silence * 4);

        Assert.False(_watch.ShouldRenew(subscribed: true, published: false, heartbeatSilent: true));
    }

    [Fact]
    public void ShouldRenew_HeartbeatsComingBack_NeverRenews()
    {
        _watch.ShouldRenew(true, true, false);
        _time.Advance(Silence * 4);

        Assert.False(_watch.ShouldRenew(subscribed: true, published: true, heartbeatSilent: false));
    }

    [Fact]
    public void ShouldRenew_NotSubscribed_FalseAndTheWindowStartsAtTheSubscription()
    {
        _watch.ShouldRenew(true, true, true);
        _time.Advance(Silence * 2);
        Assert.False(_watch.ShouldRenew(subscribed: false, published: true, heartbeatSilent: true));
        Assert.False(_watch.ShouldRenew(subscribed: true, published: true, heartbeatSilent: true)); // subscribed again just now
    }
}
