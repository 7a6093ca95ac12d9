using System.ComponentModel.DataAnnotations;

namespace ELicense.Server.Caching;

/// <summary>Configuration section "Cache": lifetimes of the memory and Redis levels.</summary>
public sealed class CacheOptions : IValidatableObject
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

    /// <summary>
    /// How often each replica publishes a heartbeat on the invalidation channel. A frozen Redis keeps its
    /// TCP connections open, so a subscription that looks alive is trusted only while heartbeats come
    /// back; after <see cref="InvalidationState.SilentHeartbeats"/> missed ones it counts as lost.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The largest lag still served as fresh from memory or Redis while pub/sub is not live. Past it (the
    /// change feed has not been read for that long either) reads go through to the registry, and a
    /// cached copy is served only marked stale. Must exceed <see cref="ChangeFeedInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:10:00")]
    public TimeSpan MaxFeedOnlyLag { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxFeedOnlyLag <= ChangeFeedInterval)
        {
            yield return new ValidationResult(
                $"Cache:MaxFeedOnlyLag ({MaxFeedOnlyLag}) must exceed Cache:ChangeFeedInterval ({ChangeFeedInterval}): with pub/sub down, every answer would otherwise count as too old.",
                [nameof(MaxFeedOnlyLag)]);
        }
    }
}
