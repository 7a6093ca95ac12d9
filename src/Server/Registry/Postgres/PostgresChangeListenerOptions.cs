using System.ComponentModel.DataAnnotations;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// Configuration section "Registry:ChangeListener": how the PostgreSQL change listener (the follower's
/// wake-up) finds out its connection is gone and how fast it comes back. Polling goes on meanwhile, so
/// these bound how long the wake-up is missing, never whether a change is seen.
/// </summary>
public sealed class PostgresChangeListenerOptions : IValidatableObject
{
    public const string SectionName = "Registry:ChangeListener";

    /// <summary>The wait before the first attempt to connect again; doubled after each failed attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two attempts: the backoff's bound while PostgreSQL stays down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the connection may stay silent before a <c>SELECT 1</c> checks it: a network that drops
    /// packets, or a frozen server, closes no socket, and a listener waiting on it would wait for ever.
    /// A frozen server is noticed this long plus the probe's 5 s plus Npgsql's cancel request of the
    /// probe (cut by the connection's <c>Timeout</c>, twice): about 30 s with the defaults, 15 s measured
    /// with a 200 ms interval (PostgresChangeListenerFreezeTests).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The wait before attempt <paramref name="failures"/> + 1, after that many failed in a row (1 or more).</summary>
    public TimeSpan ReconnectDelayAfter(int failures)
    {
        // 2^20 times the longest first delay (10 s) still fits a long; the bound is reached long before.
        var doublings = Math.Clamp(failures - 1, 0, 20);
        return TimeSpan.FromTicks(Math.Min(ReconnectDelay.Ticks << doublings, MaxReconnectDelay.Ticks));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxReconnectDelay < ReconnectDelay)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(MaxReconnectDelay)} ({MaxReconnectDelay}) must be at least {SectionName}:{nameof(ReconnectDelay)} ({ReconnectDelay}).",
                [nameof(MaxReconnectDelay)]);
        }
    }
}
