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

    /// <summary>How often the write-back tries again while Redis is away (and probes after a connection failure).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan WriteBackRetryInterval { get; set; } = TimeSpan.FromSeconds(1);
}
