using System.ComponentModel.DataAnnotations;

namespace ELicense.Server.Verification.Replay;

/// <summary>Configuration section "Replay": the write-back of claims Redis is missing.</summary>
public sealed class ReplayOptions
{
    public const string SectionName = "Replay";

    /// <summary>
    /// Most claims waiting to be written back. Beyond it new ones are dropped (and counted): they stay in
    /// this replica's memory, and the incomplete window already says the shared record may miss them.
    /// </summary>
    [Range(100, 10_000_000)]
    public int WriteBackCapacity { get; set; } = 100_000;

    /// <summary>Claims written back concurrently (one pipelined batch).</summary>
    [Range(1, 1000)]
    public int WriteBackBatch { get; set; } = 64;

    /// <summary>
    /// How often each replica beats into Redis (and probes it: epoch, marker, announcements), and how
    /// often the write-back tries again while Redis is away.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A peer not heard from for this long (by the Redis clock) may be answering without Redis: answers are
    /// not authoritative meanwhile. Many heartbeats, so that a busy replica (a long GC, a starved thread
    /// pool) is not taken for a lost one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PeerSilentAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a replica cut off from Redis keeps answering first scans from its memory alone
    /// (LOCAL_ONLY). Past it, a first or repeat scan is not passed (VERDICT_STATUS_UNAVAILABLE; replays it
    /// knows are still REPLAYED). Peers keep a silent replica in mind for this long plus one window after
    /// its last heartbeat — the longest a credential it claimed alone can still be presented elsewhere —
    /// so the bound is what lets them trust Redis again after a replica vanished; without it a replica cut
    /// off for longer than a window could have made claims that no one else ever learns of.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxTimeAlone { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Replicas that must hold a claim before the scan is answered (Redis WAIT, group-committed per master); 0: do
    /// not wait. Waiting keeps acknowledged claims through a failover, so replays after it are still caught;
    /// without it a failover's loss is still found and said (SHARED_INCOMPLETE for one window on that shard).
    /// </summary>
    [Range(0, 5)]
    public int WaitReplicas { get; set; }

    /// <summary>The most a claim waits for its replicas; a shortfall makes that master's claims skip waiting for a second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMilliseconds(20);
}
