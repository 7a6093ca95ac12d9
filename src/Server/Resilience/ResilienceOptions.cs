using System.ComponentModel.DataAnnotations;

namespace ELicense.Server.Resilience;

/// <summary>Configuration section "Resilience": budgets of the Redis and registry pipelines.</summary>
public sealed class ResilienceOptions
{
    public const string SectionName = "Resilience";

    /// <summary>
    /// How long one Redis call may take before the request goes on without the cache. Tight on
    /// purpose: Redis answers in well under a millisecond on a LAN, so anything slower is a sick Redis.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Share of failed Redis calls within <see cref="RedisSamplingDuration"/> that opens the breaker.</summary>
    [Range(0.01, 1.0)]
    public double RedisFailureRatio { get; set; } = 0.5;

    /// <summary>Window over which Redis failures are counted.</summary>
    public TimeSpan RedisSamplingDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Fewest calls in the window before the breaker may open.</summary>
    [Range(2, 10_000)]
    public int RedisMinimumThroughput { get; set; } = 10;

    /// <summary>How long the breaker stays open (calls skip Redis) before one call probes it again.</summary>
    public TimeSpan RedisBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Budget of one registry call with all its retries: what a caller can wait at most.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan RegistryTotalTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Budget of one registry attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RegistryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of transient registry errors (busy database, timeouts).</summary>
    [Range(0, 10)]
    public int RegistryRetries { get; set; } = 3;

    /// <summary>First retry delay; later ones back off exponentially with jitter.</summary>
    public TimeSpan RegistryRetryDelay { get; set; } = TimeSpan.FromMilliseconds(25);
}
