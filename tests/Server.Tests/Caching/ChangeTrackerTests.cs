using ELicense.Server.Caching;
using ELicense.Server.Tests.Credentials;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Caching;

public class ChangeTrackerTests
{
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);

    private ChangeTracker NewTracker() => new(Options.Create(new CacheOptions()), _time);

    [Fact]
    public void IsCurrent_NoKnownChange_AcceptsAnyStamp()
    {
        var tracker = NewTracker();
        tracker.Record("lic:other", 5);

        Assert.True(tracker.IsCurrent("lic:1", -1));
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(7, true)]
    [InlineData(8, true)]
    public void IsCurrent_StampAgainstKnownChange_RefusesOnlyOlder(long stamp, bool expected)
    {
        var tracker = NewTracker();
        tracker.Record("lic:1", 7);

        Assert.Equal(expected, tracker.IsCurrent("lic:1", stamp));
    }

    [Fact]
    public void Record_OlderSequenceAfterNewer_KeepsNewer()
    {
        var tracker = NewTracker();
        tracker.Record("lic:1", 9);
        tracker.Record("lic:1", 4); // a late pub/sub message

        Assert.False(tracker.IsCurrent("lic:1", 8));
    }

    [Fact]
    public void Advance_Backwards_IsIgnored()
    {
        var tracker = NewTracker();
        tracker.Advance(12);
        tracker.Advance(3);

        Assert.Equal(12, tracker.Sequence);
    }

    [Fact]
    public void Record_AfterRetention_ForgetsOldChanges()
    {
        var tracker = NewTracker();
        tracker.Record("lic:1", 7);

        _time.Advance(tracker.Retention + TimeSpan.FromSeconds(11));
        tracker.Record("lic:2", 8); // pruning runs as changes arrive

        Assert.True(tracker.IsCurrent("lic:1", 0));
        Assert.False(tracker.IsCurrent("lic:2", 0));
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Retention_DefaultOptions_OutlivesEveryCachedCopy()
    {
        var options = new CacheOptions();

        var retention = NewTracker().Retention;

        Assert.True(retention > options.RedisTtl);
        Assert.True(retention > options.MemoryTtl + options.MaxStaleness);
    }

    [Fact]
    public void IsWithinRetention_CopyOlderThanRetention_IsRefused()
    {
        var tracker = NewTracker();
        var readAt = _time.GetUtcNow().ToUnixTimeMilliseconds();

        _time.Advance(tracker.Retention);
        Assert.True(tracker.IsWithinRetention(readAt));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(tracker.IsWithinRetention(readAt));
    }
}
