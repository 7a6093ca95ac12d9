using System.ComponentModel.DataAnnotations;

namespace ELicense.Server.Caching;

/// <summary>Configuration section "Cache": lifetimes of the memory and Redis levels.</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    /// <summary>
    /// How long a replica answers from memory without asking Redis or the registry. Invalidation
    /// normally removes entries much sooner; this bounds staleness if every invalidation path failed.
    /// </summary>
    public TimeSpan MemoryTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long past <see cref="MemoryTtl"/> an entry is kept to be served, marked stale with its age,
    /// when the registry cannot be reached. Zero disables stale answers.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of an entry in Redis (writes delete entries at once; this bounds memory use).</summary>
    public TimeSpan RedisTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lifetime of a "no such record" entry, in memory and in Redis.</summary>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most entries a replica keeps in memory; the least recently added go first beyond it.</summary>
    [Range(1_000, 100_000_000)]
    public int MemoryMaxEntries { get; set; } = 500_000;

    /// <summary>
    /// How often each replica reads the registry's change feed. Pub/sub messages can be lost; this
    /// bounds how long a lost one leaves a replica stale.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ChangeFeedInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
