using ELicense.Server.Credentials;
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
    private readonly Lock _gate = new();
    private string? _epoch;
    private string? _runId;
    private long _incompleteUntilMs;
    private long _announceUntilMs;
    private volatile bool _suspect;
    private volatile bool _peerSilent;

    /// <summary>Raised (on the caller's thread) when this replica notices a loss: time to write back what it knows.</summary>
    public event Action? LossNoticed;

    /// <summary>This replica's name in the store's heartbeats (unique per process and instance).</summary>
    public string ReplicaId { get; } = Environment.MachineName + "-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>How long a loss leaves the shared record incomplete.</summary>
    public TimeSpan Window => TimeSpan.FromMilliseconds(_windowMs);

    /// <summary>Until when this replica treats the shared record as incomplete.</summary>
    public DateTimeOffset IncompleteUntil => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _incompleteUntilMs));

    /// <summary>True while a window must still be published to the shared marker.</summary>
    public bool AnnouncementPending => Interlocked.Read(ref _announceUntilMs) != 0;

    /// <summary>True after a connection failure, until a probe of the server has run.</summary>
    public bool Suspect => _suspect;

    /// <summary>What to send with the next store call.</summary>
    public ClaimContext Context(long nowMs)
    {
        lock (_gate)
        {
            return new ClaimContext(_epoch ?? "", _newEpoch, _announceUntilMs, nowMs + _windowMs, nowMs, ReplicaId, _silentAfterMs, _windowMs);
        }
    }

    /// <summary>This replica answered without the store: its claims of now are missing there.</summary>
    public void AnsweredWithoutStore()
    {
        var until = time.GetUtcNow().ToUnixTimeMilliseconds() + _windowMs;
        lock (_gate)
        {
            _announceUntilMs = Math.Max(_announceUntilMs, until);
            _incompleteUntilMs = Math.Max(_incompleteUntilMs, until);
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
            lost = reply.Lost || (_epoch is not null && sent.KnownEpoch.Length == 0 && reply.Epoch != _epoch);
            _epoch = reply.Epoch;
            if (_announceUntilMs == sent.AnnounceUntilMs)
            {
                _announceUntilMs = 0; // published; a newer local-only answer would have moved it
            }

            var until = Math.Max(reply.IncompleteUntilMs, lost ? nowMs + _windowMs : 0);
            _incompleteUntilMs = Math.Max(_incompleteUntilMs, until);
            if (lost && !reply.Lost)
            {
                // Found here, not by the script: the marker has not been raised yet.
                _announceUntilMs = Math.Max(_announceUntilMs, nowMs + _windowMs);
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

        return Authority(nowMs);
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
                var until = time.GetUtcNow().ToUnixTimeMilliseconds() + _windowMs;
                _announceUntilMs = Math.Max(_announceUntilMs, until);
                _incompleteUntilMs = Math.Max(_incompleteUntilMs, until);
            }
        }

        _suspect = false;
        if (changed)
        {
            LossNoticed?.Invoke();
        }
    }

    /// <summary>The authority of an answer checked against the store now.</summary>
    public ReplayAuthority Authority(long nowMs) =>
        _suspect || _peerSilent || nowMs < Interlocked.Read(ref _incompleteUntilMs) ? ReplayAuthority.SharedIncomplete : ReplayAuthority.Shared;
}
