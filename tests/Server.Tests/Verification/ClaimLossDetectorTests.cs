using ELicense.Server.Credentials;
using ELicense.Server.Tests.Credentials;
using ELicense.Server.Verification.Replay;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>When replay answers checked against Redis are authoritative, over a fake clock and a store that does what the script does.</summary>
public sealed class ClaimLossDetectorTests
{
    private static readonly CredentialOptions Credentials = new() { MaxLifetime = TimeSpan.FromMinutes(10), MaxClockSkew = TimeSpan.FromSeconds(30) };

    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly FakeStore _store = new();
    private readonly ClaimLossDetector _detector;
    private readonly ClaimLossDetector _peer;
    private int _losses;

    public ClaimLossDetectorTests()
    {
        _detector = NewDetector();
        _peer = NewDetector();
        _detector.LossNoticed += () => _losses++;
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private ClaimLossDetector NewDetector() => new(Options.Create(Credentials), Options.Create(new ReplayOptions()), _time);

    private readonly FakeStore _otherShard = new();

    private ReplayAuthority Call(ClaimLossDetector detector, bool probe = false, int bucket = 0, FakeStore? store = null)
    {
        var sent = detector.Context(NowMs, probe, bucket);
        return detector.Observe((store ?? _store).Run(sent, detector.ReplicaId), sent);
    }

    private ReplayAuthority Call(bool probe = false, int bucket = 0, FakeStore? store = null) => Call(_detector, probe, bucket, store);

    [Fact]
    public void Window_IsMaxLifetimePlusSkewOnIssueAndExpiry()
    {
        Assert.Equal(TimeSpan.FromMinutes(11), _detector.Window);
    }

    [Fact]
    public void AloneTooLong_NoHeartbeatTakenPastMaxTimeAlone_TrueUntilOneIs()
    {
        _detector.HeartbeatAcknowledged(NowMs);
        _time.Advance(new ReplayOptions().MaxTimeAlone);
        var atTheBound = _detector.AloneTooLong(NowMs);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var pastIt = _detector.AloneTooLong(NowMs);
        Call(); // a claim answered is no heartbeat: peers still see this replica silent
        var afterClaim = _detector.AloneTooLong(NowMs);
        _detector.HeartbeatAcknowledged(NowMs - 1);

        Assert.False(atTheBound);
        Assert.True(pastIt);
        Assert.True(afterClaim);
        Assert.False(_detector.AloneTooLong(NowMs));
    }

    [Fact]
    public void Context_PeersForgotten_OnlyAfterAWindowPastTheTimeAlone()
    {
        var sent = _detector.Context(NowMs, probe: true);

        Assert.Equal((long)(_detector.Window + new ReplayOptions().MaxTimeAlone).TotalMilliseconds, sent.ForgetAfterMs);
    }

    [Fact]
    public void Observe_FirstEpochSeen_IsShared()
    {
        var sent = _detector.Context(NowMs);

        Assert.Equal("", sent.KnownEpoch);
        Assert.Equal(ReplayAuthority.Shared, Call());
        Assert.Equal(0, _losses);
        Assert.Equal(_store.Epoch, _detector.Context(NowMs).KnownEpoch);
    }

    [Fact]
    public void Observe_EpochGone_IncompleteForTheWindowEverywhereThenShared()
    {
        Call();
        Call(_peer);
        _time.Advance(TimeSpan.FromSeconds(5));
        _store.Restart();

        var atLoss = Call();
        var peerAtLoss = Call(_peer); // learns it from the mark, or from the epoch itself
        _time.Advance(_detector.Window - TimeSpan.FromMilliseconds(1));
        var justBefore = Call();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ReplayAuthority.SharedIncomplete, atLoss);
        Assert.Equal(ReplayAuthority.SharedIncomplete, peerAtLoss);
        Assert.Equal(ReplayAuthority.SharedIncomplete, justBefore);
        Assert.Equal(ReplayAuthority.Shared, Call());
        Assert.Equal(ReplayAuthority.Shared, Call(_peer));
        Assert.Equal(1, _losses);
    }

    [Fact]
    public void AnsweredWithoutStore_IncompleteEverywhereUntilWrittenBackThenShared()
    {
        Call();
        Call(_peer);
        _detector.AnsweredWithoutStore();
        var generation = _detector.LocalGeneration;

        Assert.Equal(ReplayAuthority.SharedIncomplete, Call()); // its own answers, at once
        Assert.Equal(ReplayAuthority.Shared, Call(_peer));      // the peer cannot know before the probe
        Call(probe: true);                                      // back: the mark is published
        Assert.Equal(ReplayAuthority.SharedIncomplete, Call(_peer));

        _detector.WrittenBack(generation);
        Assert.Equal(ReplayAuthority.Shared, Call(probe: true)); // the mark is cleared
        Assert.Equal(ReplayAuthority.Shared, Call(_peer));
    }

    [Fact]
    public void AnsweredWithoutStore_NeverWrittenBack_WindowFromTheLastAnswerWithoutTheStore()
    {
        Call();
        _detector.AnsweredWithoutStore();
        _time.Advance(TimeSpan.FromSeconds(20));
        _detector.AnsweredWithoutStore(); // the last such answer starts the window
        var generation = _detector.LocalGeneration - 1;
        Call(probe: true);

        _detector.WrittenBack(generation); // a pass that had not seen the last answer clears nothing
        _time.Advance(_detector.Window - TimeSpan.FromMilliseconds(1));
        Assert.Equal(ReplayAuthority.SharedIncomplete, Call(probe: true));
        Assert.Equal(ReplayAuthority.SharedIncomplete, Call(_peer));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ReplayAuthority.Shared, Call(_peer));
        Assert.Equal(ReplayAuthority.Shared, Call());
    }

    [Fact]
    public void ObserveRunId_Changed_IsALossPublishedByTheNextProbe()
    {
        Call();
        _detector.ObserveRunId("run-1");
        _detector.ObserveRunId("run-1");
        Assert.Equal(0, _losses);

        _detector.ObserveRunId("run-2"); // a failover keeps the epoch but not the run id

        Assert.Equal(1, _losses);
        Assert.Equal(ReplayAuthority.SharedIncomplete, Call());
        Assert.Equal(ReplayAuthority.Shared, Call(_peer));
        Call(probe: true);
        Assert.Equal(ReplayAuthority.SharedIncomplete, Call(_peer));
    }

    [Fact]
    public void Observe_PeerSilent_NotAuthoritativeWhileSilentNoWindow()
    {
        Call();
        var sent = _detector.Context(NowMs, probe: true);

        var silent = _detector.Observe(new ClaimReply(null, _store.Epoch!, 0, Lost: false, PeerSilent: true), sent);
        var claimWhileSilent = Call(); // claims do not look at heartbeats: the last probe's finding holds
        var heardAgain = _detector.Observe(new ClaimReply(null, _store.Epoch!, 0, Lost: false, PeerSilent: false), sent);

        Assert.Equal(ReplayAuthority.SharedIncomplete, silent);
        Assert.Equal(ReplayAuthority.SharedIncomplete, claimWhileSilent);
        Assert.Equal(ReplayAuthority.Shared, heardAgain); // the peer marks its own period if it answered alone
        Assert.Equal(0, _losses);
        Assert.Equal(5_000, sent.SilentAfterMs);
        Assert.Equal((long)(_detector.Window + new ReplayOptions().MaxTimeAlone).TotalMilliseconds, sent.ForgetAfterMs);
    }

    [Fact]
    public void ConnectionFailed_NotAuthoritativeUntilAProbeOfEveryBucket()
    {
        Call();
        _detector.ConnectionFailed();

        Assert.Equal(ReplayAuthority.SharedIncomplete, Call());
        _detector.ObserveRunId("run-1"); // one bucket's probe reply is not the whole probe
        Assert.Equal(ReplayAuthority.SharedIncomplete, Call());
        _detector.Probed(_detector.Suspicion, _detector.Context(NowMs, probe: true));
        Assert.Equal(ReplayAuthority.Shared, Call());
    }

    [Fact]
    public void Probed_ConnectionFailedWhileTheProbeWasInFlight_StaysSuspect()
    {
        Call();
        _detector.Probed(_detector.Suspicion, _detector.Context(NowMs, probe: true));
        var started = _detector.Suspicion;
        _detector.ConnectionFailed(); // e.g. a slot moved after the probe was sent
        _detector.Probed(started, _detector.Context(NowMs, probe: true));

        Assert.Equal(ReplayAuthority.SharedIncomplete, Call());
        _detector.Probed(_detector.Suspicion, _detector.Context(NowMs, probe: true));
        Assert.Equal(ReplayAuthority.Shared, Call());
    }

    [Fact]
    public void Observe_BucketWrittenByAnotherMaster_LostInThatBucketOnlyEvenForAReplicaThatNeverSawIt()
    {
        Call(bucket: 3);
        Call(bucket: 4, store: _otherShard);
        _store.Failover(); // the data survives, the master is another: the last acknowledged claims may not have
        var fresh = NewDetector();

        var atLoss = Call(bucket: 3);
        var freshAtLoss = Call(fresh, bucket: 3); // learns it from the bucket's mark
        var otherBucket = Call(bucket: 4, store: _otherShard);

        Assert.Equal(ReplayAuthority.SharedIncomplete, atLoss);
        Assert.Equal(ReplayAuthority.SharedIncomplete, freshAtLoss);
        Assert.Equal(ReplayAuthority.Shared, otherBucket);
        Assert.Equal(ReplayAuthority.SharedIncomplete, _detector.Authority(NowMs)); // the worst bucket, e.g. for the gauge
        Assert.Equal(1, _losses);
        _time.Advance(_detector.Window);
        Assert.Equal(ReplayAuthority.Shared, Call(bucket: 3));
    }

    [Fact]
    public void ObserveLegacy_PreviousBuildsClaimsMayBePresented_NotAuthoritativeUntilThen()
    {
        Call();
        _detector.ObserveLegacy(NowMs + 60_000);
        var during = Call();
        _time.Advance(TimeSpan.FromMinutes(1));
        var after = Call();
        _detector.ObserveLegacy(null);

        Assert.Equal(ReplayAuthority.SharedIncomplete, during);
        Assert.Equal(ReplayAuthority.Shared, after);
        Assert.Equal(ReplayAuthority.Shared, Call());
    }

    [Fact]
    public async Task Observe_ReplyMarkedWhileAnOlderUnmarkedReplyLands_IsNotAuthoritative()
    {
        // Replies are observed on whatever thread their continuation runs: an older reply (sent before
        // the mark existed) may land between a marked reply's bookkeeping and its answer's authority.
        Call();
        var sent = _detector.Context(NowMs);
        var marked = new ClaimReply(null, _store.Epoch!, NowMs + 60_000, Lost: false);
        var older = marked with { IncompleteUntilMs = 0 };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _detector.Observe(older, sent);
            }
        }, TestContext.Current.CancellationToken);

        var wrong = 0;
        await Task.Run(() =>
        {
            while (!stop.IsCancellationRequested && wrong == 0)
            {
                wrong += _detector.Observe(marked, sent) == ReplayAuthority.Shared ? 1 : 0;
            }
        }, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await noise;

        Assert.Equal(0, wrong);
    }

    /// <summary>The claim script's epoch and marks, in C#: what Redis would answer.</summary>
    private sealed class FakeStore
    {
        private readonly Dictionary<string, long> _marks = [];
        private string _replid = Guid.NewGuid().ToString("N");
        private string? _writer;

        public string? Epoch { get; private set; }

        /// <summary>A replica takes over with the data it had: same epoch and marks, another master.</summary>
        public void Failover() => _replid = Guid.NewGuid().ToString("N");

        public void Restart()
        {
            Epoch = null;
            _writer = null;
            _marks.Clear();
        }

        public ClaimReply Run(ClaimContext sent, string replicaId)
        {
            var lost = Epoch is null ? sent.KnownEpoch.Length > 0 : sent.KnownEpoch.Length > 0 && sent.KnownEpoch != Epoch;
            Epoch ??= sent.NewEpoch;
            lost |= _writer is not null && _writer != _replid;
            _writer = _replid;
            if (sent.AnnounceUntilMs < 0)
            {
                _marks.Remove(replicaId);
            }
            else if (sent.AnnounceUntilMs > 0)
            {
                _marks[replicaId] = Math.Max(sent.AnnounceUntilMs, _marks.GetValueOrDefault(replicaId));
            }

            var loss = Math.Max(sent.LossAnnounceMs, lost ? sent.LossUntilMs : 0);
            if (loss > _marks.GetValueOrDefault("loss"))
            {
                _marks["loss"] = loss;
            }

            foreach (var expired in _marks.Where(m => m.Value <= sent.NowMs).Select(m => m.Key).ToList())
            {
                _marks.Remove(expired);
            }

            return new ClaimReply(null, Epoch, _marks.Count == 0 ? 0 : _marks.Values.Max(), lost);
        }
    }
}
