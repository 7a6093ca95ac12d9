namespace ELicense.Server.Verification.Replay;

/// <summary>What the shared store said along with a claim: the earlier claim, and the loss signals.</summary>
/// <param name="Earlier">The claim Redis already held (null: the one sent was stored).</param>
/// <param name="Epoch">The store's epoch sentinel now (created by this call when it was missing).</param>
/// <param name="IncompleteUntilMs">The latest mark: until when the shared record is incomplete (0: not marked).</param>
/// <param name="Lost">True when the sentinel was missing or not the one this replica knew, or the bucket was last written by another master (a failover): claims may be lost.</param>
/// <param name="PeerSilent">True when another replica has not been heard from lately: it may be answering without the store (probes only; null on claims).</param>
/// <param name="RunId">The server's run_id (probes only): a new one is a restart or a failover.</param>
public readonly record struct ClaimReply(string? Earlier, string Epoch, long IncompleteUntilMs, bool Lost, bool? PeerSilent = null, string? RunId = null);

/// <summary>What a replica tells the store with each call.</summary>
/// <param name="KnownEpoch">The epoch this replica saw last; "" before it has seen one.</param>
/// <param name="NewEpoch">The sentinel to create if none exists.</param>
/// <param name="AnnounceUntilMs">This replica's own mark: until when it answered without the store (probes only); 0 keep, -1 clear.</param>
/// <param name="LossUntilMs">The window to publish if this call finds a loss.</param>
/// <param name="NowMs">This replica's clock.</param>
/// <param name="ReplicaId">This replica's name in the heartbeat hash.</param>
/// <param name="SilentAfterMs">A peer's heartbeat older than this (Redis clock) makes the answer not authoritative.</param>
/// <param name="ForgetAfterMs">A peer's heartbeat older than this is dropped: whatever it claimed alone has expired.</param>
/// <param name="LossAnnounceMs">A loss this replica found itself (run_id), to publish (probes only); 0: none.</param>
/// <param name="Bucket">The bucket the call is about (see <see cref="ReplayKeys"/>): epochs, marks and losses are per bucket.</param>
public readonly record struct ClaimContext(string KnownEpoch, string NewEpoch, long AnnounceUntilMs, long LossUntilMs, long NowMs,
    string ReplicaId = "", long SilentAfterMs = long.MaxValue, long ForgetAfterMs = long.MaxValue, long LossAnnounceMs = 0, int Bucket = 0);
