using ELicense.Server.Credentials;
using ELicense.Server.Internal;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// Knows whether the shared claim store may have lost claims, and so whether a replay answer checked
/// against it is authoritative. A loss — the epoch sentinel gone or different (restart without
/// persistence, failover to an empty primary), a new run_id, or a period in which this replica answered
/// without the store — makes the record incomplete for one window: the longest a credential claimed
/// before the loss can still be verified (max lifetime, plus the skew on both its issue and expiry time).
/// A peer replica gone silent (no heartbeat for <see cref="ReplayOptions.PeerSilentAfter"/>) makes answers
/// not authoritative while it is silent (as the last heartbeat probe found): it may be answering without the
/// store, unable to say so yet.
/// Pure logic over a clock; the store carries the window to every other replica (the shared marker).
/// </summary>
public sealed class ClaimLossDetector(IOptions<CredentialOptions> options, IOptions<ReplayOptions> replayOptions, TimeProvider time)
{
    private readonly long _windowMs = (long)(options.Value.MaxLifetime + 2 * options.Value.MaxClockSkew).TotalMilliseconds;
    private readonly string _newEpoch = Guid.NewGuid().ToString("N");
    private readonly long _silentAfterMs = (long)replayOptions.Value.PeerSilentAfter.TotalMilliseconds;
    private readonly long _maxAloneMs = (long)replayOptions.Value.MaxTimeAlone.TotalMilliseconds;
    private long _lastContactMs = time.GetUtcNow().ToUnixTimeMilliseconds(); // alone since start until the store answers
    private readonly Lock _gate = new();
    private string? _epoch;
    private string? _runId;
    private long _lossUntilMs;      // losses this replica noticed
    private long _lossAnnounceMs;   // ...of which one found here (run_id), still to publish
    private long _sharedUntilMs;    // the latest mark the store showed
    private long _localUntilMs;     // this replica's own period without the store (0: none, or written back)
    private long _localGeneration;  // counts answers without the store
    private bool _clearOwnMark;
    private volatile bool _suspect;
    private volatile bool _peerSilent;

    /// <summary>Raised (on the caller's thread) when this replica notices a loss: time to write back what it knows.</summary>
    public event Action? LossNoticed;

    /// <summary>This replica's name in the store's heartbeats and marks (unique per process and instance).</summary>
    public string ReplicaId { get; } = Environment.MachineName + "-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>How long a loss leaves the shared record incomplete.</summary>
    public TimeSpan Window => TimeSpan.FromMilliseconds(_windowMs);

    /// <summary>Until when this replica treats the shared record as incomplete (suspicion and silent peers aside).</summary>
    public DateTimeOffset IncompleteUntil
    {
        get
        {
            lock (_gate)
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(_lossUntilMs, Math.Max(_sharedUntilMs, _localUntilMs)));
            }
        }
    }

    /// <summary>Answers given without the store so far; the write-back reads it before a pass (see <see cref="WrittenBack"/>).</summary>
    public long LocalGeneration => Interlocked.Read(ref _localGeneration);

    /// <summary>True while this replica has answered without the store and its claims are not written back yet.</summary>
    public bool AnsweredAlone
    {
        get
        {
            lock (_gate)
            {
                return _localUntilMs != 0;
            }
        }
    }

    /// <summary>What to send with the next store call; only the probe publishes and clears marks it owns.</summary>
    public ClaimContext Context(long nowMs, bool probe = false)
    {
        lock (_gate)
        {
            var own = !probe ? 0 : _clearOwnMark ? -1 : _localUntilMs;
            // Peers are forgotten only once whatever they may have claimed alone has expired (see MaxTimeAlone).
            return new ClaimContext(_epoch ?? "", _newEpoch, own, nowMs + _windowMs, nowMs, ReplicaId, _silentAfterMs, _windowMs + _maxAloneMs,
                probe ? _lossAnnounceMs : 0);
        }
    }

    /// <summary>
    /// True when the store has not answered this replica for longer than <see cref="ReplayOptions.MaxTimeAlone"/>:
    /// peers may have forgotten it by the time a claim made now could be presented to them, so it must not pass one.
    /// </summary>
    public bool AloneTooLong(long nowMs) => nowMs - Interlocked.Read(ref _lastContactMs) > _maxAloneMs;

    /// <summary>
    /// A heartbeat sent at <paramref name="sentAtMs"/> was taken by the store. Only heartbeats count, not
    /// claims: peers judge this replica by its heartbeats, so its time alone must be counted from the same
    /// (and from when the beat was sent, which is no later than when the store stamped it).
    /// </summary>
    public void HeartbeatAcknowledged(long sentAtMs) => AtomicMax.Raise(ref _lastContactMs, sentAtMs);

    /// <summary>This replica answered without the store (after queueing any claim it made for write-back).</summary>
    public void AnsweredWithoutStore()
    {
        var until = time.GetUtcNow().ToUnixTimeMilliseconds() + _windowMs;
        lock (_gate)
        {
            _localUntilMs = Math.Max(_localUntilMs, until);
            _clearOwnMark = false;
            _localGeneration++;
        }
    }

    /// <summary>
    /// Every claim queued up to <paramref name="generation"/> is in Redis now: unless this replica answered
    /// without the store again since, its own period is over, and its mark is cleared with the next probe.
    /// </summary>
    public void WrittenBack(long generation)
    {
        lock (_gate)
        {
            if (generation == _localGeneration && _localUntilMs != 0)
            {
                _localUntilMs = 0;
                _clearOwnMark = true;
            }
        }
    }

    /// <summary>A connection to the store failed: until a probe shows the same server, nothing is authoritative.</summary>
    public void ConnectionFailed() => _suspect = true;

    /// <summary>Takes in a store reply to a call sent with <paramref name="sent"/>; returns the answer's authority.</summary>
    public ReplayAuthority Observe(ClaimReply reply, ClaimContext sent)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        bool lost;
        lock (_gate)
        {
            // A reply to a call sent before this replica knew an epoch cannot judge one learned meanwhile.
            var foundHere = !reply.Lost && _epoch is not null && sent.KnownEpoch.Length == 0 && reply.Epoch != _epoch;
            lost = reply.Lost || foundHere;
            _epoch = reply.Epoch;
            _sharedUntilMs = reply.IncompleteUntilMs;
            if (sent.AnnounceUntilMs < 0 && _localUntilMs == 0)
            {
                _clearOwnMark = false;
            }

            if (sent.LossAnnounceMs != 0 && _lossAnnounceMs == sent.LossAnnounceMs)
            {
                _lossAnnounceMs = 0; // published
            }

            if (lost)
            {
                _lossUntilMs = Math.Max(_lossUntilMs, nowMs + _windowMs);
                _lossAnnounceMs = foundHere ? _lossUntilMs : _lossAnnounceMs; // the script publishes what it found
            }
        }

        if (lost)
        {
            LossNoticed?.Invoke();
        }

        // A silent peer may be answering without the store right now: answers cannot know its claims.
        if (reply.PeerSilent is { } silent)
        {
            _peerSilent = silent;
        }

        // Its own reply's mark too: an older reply observed concurrently may have just put back an earlier one.
        return reply.IncompleteUntilMs > nowMs ? ReplayAuthority.SharedIncomplete : Authority(nowMs);
    }

    /// <summary>Takes in the server's run_id from a probe; a different one is a restart or a failover.</summary>
    public void ObserveRunId(string? runId)
    {
        if (runId is null)
        {
            return;
        }

        bool changed;
        lock (_gate)
        {
            changed = _runId is not null && _runId != runId;
            _runId = runId;
            if (changed)
            {
                _lossUntilMs = Math.Max(_lossUntilMs, time.GetUtcNow().ToUnixTimeMilliseconds() + _windowMs);
                _lossAnnounceMs = _lossUntilMs;
            }
        }

        _suspect = false;
        if (changed)
        {
            LossNoticed?.Invoke();
        }
    }

    /// <summary>The authority of an answer checked against the store now.</summary>
    public ReplayAuthority Authority(long nowMs)
    {
        if (_suspect || _peerSilent)
        {
            return ReplayAuthority.SharedIncomplete;
        }

        lock (_gate)
        {
            return nowMs < Math.Max(_lossUntilMs, Math.Max(_sharedUntilMs, _localUntilMs)) ? ReplayAuthority.SharedIncomplete : ReplayAuthority.Shared;
        }
    }
}
