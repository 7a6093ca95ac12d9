using ELicense.Server.Credentials;
using ELicense.Server.Tests.Credentials;
using ELicense.Server.Verification.Replay;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>When replay answers checked against Redis are authoritative, over a fake clock.</summary>
public sealed class ClaimLossDetectorTests
{
    private static readonly CredentialOptions Credentials = new() { MaxLifetime = TimeSpan.FromMinutes(10), MaxClockSkew = TimeSpan.FromSeconds(30) };

    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly ClaimLossDetector _detector;
    private int _losses;

    public ClaimLossDetectorTests()
    {
        _detector = new ClaimLossDetector(Options.Create(Credentials), Options.Create(new ReplayOptions()), _time);
        _detector.LossNoticed += () => _losses++;
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Sends a context and answers it as a store would that holds <paramref name="epoch"/> and <paramref name="markerMs"/>.</summary>
    private (ReplayAuthority Authority, ClaimContext Sent) Call(string epoch, long markerMs = 0)
    {
        var sent = _detector.Context(NowMs);
        var lost = sent.KnownEpoch.Length > 0 && sent.KnownEpoch != epoch;
        var marker = Math.Max(markerMs, Math.Max(sent.AnnounceUntilMs, lost ? sent.LossUntilMs : 0));
        return (_detector.Observe(new ClaimReply(null, epoch, marker, lost), sent), sent);
    }

    [Fact]
    public void Window_IsMaxLifetimePlusSkewOnIssueAndExpiry()
    {
        Assert.Equal(TimeSpan.FromMinutes(11), _detector.Window);
    }

    [Fact]
    public void Observe_FirstEpochSeen_IsShared()
    {
        var (authority, sent) = Call("e1");

        Assert.Equal("", sent.KnownEpoch);
        Assert.Equal(ReplayAuthority.Shared, authority);
        Assert.Equal(0, _losses);
        Assert.Equal("e1", _detector.Context(NowMs).KnownEpoch);
    }

    [Fact]
    public void Observe_EpochChanged_IncompleteForTheWindowThenShared()
    {
        Call("e1");
        _time.Advance(TimeSpan.FromSeconds(5));

        var (atLoss, _) = Call("e2");
        _time.Advance(_detector.Window - TimeSpan.FromMilliseconds(1));
        var (justBefore, _) = Call("e2");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var (atEnd, _) = Call("e2");

        Assert.Equal(ReplayAuthority.SharedIncomplete, atLoss);
        Assert.Equal(ReplayAuthority.SharedIncomplete, justBefore);
        Assert.Equal(ReplayAuthority.Shared, atEnd);
        Assert.Equal(1, _losses);
    }

    [Fact]
    public void AnsweredWithoutStore_WindowFromTheLastLocalAnswerAnnouncedOnce()
    {
        Call("e1");
        _detector.AnsweredWithoutStore();
        _time.Advance(TimeSpan.FromSeconds(20));
        _detector.AnsweredWithoutStore(); // the last local-only answer starts the window
        var lastLocalMs = NowMs;
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(_detector.AnnouncementPending);
        var (back, sent) = Call("e1");
        var (next, sentNext) = Call("e1");

        Assert.Equal(lastLocalMs + (long)_detector.Window.TotalMilliseconds, sent.AnnounceUntilMs);
        Assert.Equal(0, sentNext.AnnounceUntilMs);
        Assert.False(_detector.AnnouncementPending);
        Assert.Equal(ReplayAuthority.SharedIncomplete, back);
        Assert.Equal(ReplayAuthority.SharedIncomplete, next);
        _time.Advance(_detector.Window - TimeSpan.FromSeconds(3));
        Assert.Equal(ReplayAuthority.Shared, Call("e1").Authority);
    }

    [Fact]
    public void Observe_MarkerRaisedByAnotherReplica_IncompleteUntilItEnds()
    {
        Call("e1");
        var markerMs = NowMs + 60_000;

        var (marked, _) = Call("e1", markerMs);
        _time.Advance(TimeSpan.FromMinutes(1));
        var (after, _) = Call("e1"); // the marker key has expired in Redis by now

        Assert.Equal(ReplayAuthority.SharedIncomplete, marked);
        Assert.Equal(ReplayAuthority.Shared, after);
        Assert.Equal(0, _losses);
    }

    [Fact]
    public void ObserveRunId_Changed_IsALossAnnouncedToTheOthers()
    {
        _detector.ObserveRunId("run-1");
        _detector.ObserveRunId("run-1");
        Assert.Equal(0, _losses);

        _detector.ObserveRunId("run-2"); // a failover keeps the epoch but not the run id

        Assert.Equal(1, _losses);
        Assert.True(_detector.AnnouncementPending);
        Assert.Equal(ReplayAuthority.SharedIncomplete, _detector.Authority(NowMs));
    }

    [Fact]
    public void Observe_PeerSilent_NotAuthoritativeWhileSilentNoWindow()
    {
        Call("e1");
        var sent = _detector.Context(NowMs);

        var silent = _detector.Observe(new ClaimReply(null, "e1", 0, Lost: false, PeerSilent: true), sent);
        var claimWhileSilent = Call("e1").Authority; // claims do not look at heartbeats: the last probe's finding holds
        var heardAgain = _detector.Observe(new ClaimReply(null, "e1", 0, Lost: false, PeerSilent: false), _detector.Context(NowMs));

        Assert.Equal(ReplayAuthority.SharedIncomplete, silent);
        Assert.Equal(ReplayAuthority.SharedIncomplete, claimWhileSilent);
        Assert.Equal(ReplayAuthority.Shared, heardAgain); // the peer announces its own window if it answered alone
        Assert.Equal(0, _losses);
        Assert.Equal(2_000, sent.SilentAfterMs);
        Assert.Equal((long)_detector.Window.TotalMilliseconds, sent.ForgetAfterMs);
    }

    [Fact]
    public void ConnectionFailed_NotAuthoritativeUntilAProbe()
    {
        Call("e1");
        _detector.ConnectionFailed();

        Assert.Equal(ReplayAuthority.SharedIncomplete, Call("e1").Authority);
        _detector.ObserveRunId("run-1");
        Assert.Equal(ReplayAuthority.Shared, Call("e1").Authority);
    }
}
