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
/// Losses are per bucket (<see cref="ReplayKeys"/>): a failover of one shard of a Redis Cluster leaves the
/// other shards' buckets authoritative. A connection failure or a moved hash slot makes everything suspect
/// until every bucket has been probed again; replicas of the previous build (old key names) make everything
/// not authoritative while they may still have claims this build cannot see.
/// </summary>
public sealed class ClaimLossDetector(IOptions<CredentialOptions> options, IOptions<ReplayOptions> replayOptions, TimeProvider time)
{
    private readonly long _windowMs = (long)(options.Value.MaxLifetime + 2 * options.Value.MaxClockSkew).TotalMilliseconds;
    private readonly string _newEpoch = Guid.NewGuid().ToString("N");
    private readonly long _silentAfterMs = (long)replayOptions.Value.PeerSilentAfter.TotalMilliseconds;
    private readonly long _maxAloneMs = (long)replayOptions.Value.MaxTimeAlone.TotalMilliseconds;
    private long _lastContactMs = time.GetUtcNow().ToUnixTimeMilliseconds(); // alone since start until the store answers
    private readonly Lock _gate = new();
    private readonly BucketLoss[] _buckets = [.. Enumerable.Range(0, ReplayKeys.Count).Select(_ => new BucketLoss())];
    private long _localUntilMs;     // this replica's own period without the store (0: none, or written back)
    private long _localGeneration;  // counts answers without the store
    private long _legacyUntilMs;    // the previous build's claims may be presented until then
    private bool _clearOwnMark;
    private long _suspicion;        // counts connection failures and moved slots: odd while suspect

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
                return DateTimeOffset.FromUnixTimeMilliseconds(Enumerable.Range(0, ReplayKeys.Count).Max(UntilMs));
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
    public ClaimContext Context(long nowMs, bool probe = false, int bucket = 0)
    {
        lock (_gate)
        {
            var own = !probe ? 0 : _clearOwnMark ? -1 : _localUntilMs;
            var state = _buckets[bucket];
            // Peers are forgotten only once whatever they may have claimed alone has expired (see MaxTimeAlone).
            return new ClaimContext(state.Epoch ?? "", _newEpoch, own, nowMs + _windowMs, nowMs, ReplicaId, _silentAfterMs, ForgetAfterMs,
                probe ? state.LossAnnounceMs : 0, bucket);
        }
    }

    /// <summary>How long a silent peer is kept in mind: whatever it claimed alone has expired by then.</summary>
    public long ForgetAfterMs => _windowMs + _maxAloneMs;

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

    /// <summary>
    /// A connection to the store failed, or a hash slot moved (a failover or a migration): until every bucket has
    /// been probed again (which finds a failover by its replication id and run_id), nothing is authoritative.
    /// </summary>
    public void ConnectionFailed()
    {
        lock (_gate)
        {
            _suspicion |= 1;
            _suspicion += 2; // a probe already in flight cannot clear this one
        }
    }

    /// <summary>The suspicion to clear once a probe started now has reached every bucket (see <see cref="Probed"/>).</summary>
    public long Suspicion
    {
        get
        {
            lock (_gate)
            {
                return _suspicion;
            }
        }
    }

    /// <summary>
    /// A probe that started at <paramref name="suspicion"/> (see <see cref="Suspicion"/>) reached every bucket: unless a
    /// connection failed or a slot moved since, nothing is suspect; and this replica's cleared mark is gone everywhere.
    /// </summary>
    public void Probed(long suspicion, ClaimContext sent)
    {
        lock (_gate)
        {
            if (_suspicion == suspicion)
            {
                _suspicion &= ~1L;
            }

            if (sent.AnnounceUntilMs < 0 && _localUntilMs == 0)
            {
                _clearOwnMark = false;
            }
        }
    }

    /// <summary>Takes in until when the previous build's claims may be presented (null: none found).</summary>
    public void ObserveLegacy(long? untilMs)
    {
        lock (_gate)
        {
            _legacyUntilMs = untilMs ?? 0;
        }
    }

    /// <summary>Takes in a store reply to a call sent with <paramref name="sent"/>; returns the answer's authority.</summary>
    public ReplayAuthority Observe(ClaimReply reply, ClaimContext sent)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        bool lost;
        var state = _buckets[sent.Bucket];
        lock (_gate)
        {
            // A reply to a call sent before this replica knew an epoch cannot judge one learned meanwhile.
            var foundHere = !reply.Lost && state.Epoch is not null && sent.KnownEpoch.Length == 0 && reply.Epoch != state.Epoch;
            lost = reply.Lost || foundHere;
            state.Epoch = reply.Epoch;
            state.SharedUntilMs = reply.IncompleteUntilMs;
            if (sent.LossAnnounceMs != 0 && state.LossAnnounceMs == sent.LossAnnounceMs)
            {
                state.LossAnnounceMs = 0; // published
            }

            if (lost)
            {
                state.LossUntilMs = Math.Max(state.LossUntilMs, nowMs + _windowMs);
                state.LossAnnounceMs = foundHere ? state.LossUntilMs : state.LossAnnounceMs; // the script publishes what it found
            }

            // A silent peer may be answering without the store right now: answers cannot know its claims.
            state.PeerSilent = reply.PeerSilent ?? state.PeerSilent;
        }

        if (lost)
        {
            LossNoticed?.Invoke();
        }

        // Its own reply's mark too: an older reply observed concurrently may have just put back an earlier one.
        return reply.IncompleteUntilMs > nowMs ? ReplayAuthority.SharedIncomplete : Authority(nowMs, sent.Bucket);
    }

    /// <summary>Takes in the run_id of the server holding <paramref name="bucket"/> from a probe; a different one is a restart or a failover.</summary>
    public void ObserveRunId(string? runId, int bucket = 0) => ObserveRunId(runId, [bucket]);

    /// <summary>
    /// Takes in the run_id of the server that serves <paramref name="buckets"/> (read once for all of them): every one of
    /// them last seen with another run_id is lost (a restart, or a failover that moved it there).
    /// </summary>
    public void ObserveRunId(string? runId, IReadOnlyList<int> buckets)
    {
        if (runId is null)
        {
            return;
        }

        var changed = false;
        lock (_gate)
        {
            var untilMs = time.GetUtcNow().ToUnixTimeMilliseconds() + _windowMs;
            foreach (var bucket in buckets)
            {
                var state = _buckets[bucket];
                if (state.RunId is not null && state.RunId != runId)
                {
                    changed = true;
                    state.LossUntilMs = Math.Max(state.LossUntilMs, untilMs);
                    state.LossAnnounceMs = state.LossUntilMs;
                }

                state.RunId = runId;
            }
        }

        if (changed)
        {
            LossNoticed?.Invoke();
        }
    }

    /// <summary>The authority of an answer checked against the store now, in the worst bucket.</summary>
    public ReplayAuthority Authority(long nowMs)
    {
        for (var bucket = 0; bucket < ReplayKeys.Count; bucket++)
        {
            if (Authority(nowMs, bucket) == ReplayAuthority.SharedIncomplete)
            {
                return ReplayAuthority.SharedIncomplete;
            }
        }

        return ReplayAuthority.Shared;
    }

    /// <summary>The authority of an answer about a token in <paramref name="bucket"/> checked against the store now.</summary>
    public ReplayAuthority Authority(long nowMs, int bucket)
    {
        lock (_gate)
        {
            return (_suspicion & 1) != 0 || _buckets[bucket].PeerSilent || nowMs < UntilMs(bucket)
                ? ReplayAuthority.SharedIncomplete
                : ReplayAuthority.Shared;
        }
    }

    // Under _gate.
    private long UntilMs(int bucket)
    {
        var state = _buckets[bucket];
        return Math.Max(Math.Max(state.LossUntilMs, state.SharedUntilMs), Math.Max(_localUntilMs, _legacyUntilMs));
    }

    /// <summary>What this replica knows of one bucket; guarded by the detector's lock.</summary>
    private sealed class BucketLoss
    {
        public string? Epoch;
        public string? RunId;
        public long LossUntilMs;      // losses this replica noticed
        public long LossAnnounceMs;   // ...of which one found here (run_id), still to publish
        public long SharedUntilMs;    // the latest mark the store showed
        public bool PeerSilent;       // as the last probe of the bucket found
    }
}
