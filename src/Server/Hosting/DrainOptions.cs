using System.ComponentModel.DataAnnotations;

namespace ELicense.Server.Hosting;

/// <summary>
/// How a replica leaves on SIGTERM (or any host stop): NOT_SERVING first, still serving for
/// <see cref="Grace"/> so clients that poll health move away without a failed call, then Kestrel
/// stops taking calls and waits up to <see cref="MaxCallDuration"/> for those in flight.
/// </summary>
public sealed class DrainOptions : IValidatableObject
{
    public const string SectionName = "Drain";

    /// <summary>Longest accepted grace: a stop that takes minutes is a stuck deployment, not a drain.</summary>
    public static readonly TimeSpan MaxGrace = TimeSpan.FromMinutes(1);

    /// <summary>Longest accepted wait for calls in flight.</summary>
    public static readonly TimeSpan MaxCallDurationLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Time left to the rest of the stop (flushing the audit queue and the claim write-back, closing Redis)
    /// after the calls have drained; part of <see cref="HostOptions.ShutdownTimeout"/>.
    /// </summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the replica keeps serving while reporting NOT_SERVING. 3 s covers a balanced client's health
    /// poll (a fixed 1 s period, each answer used as it arrives: about 1 s plus a round trip to see the drain)
    /// and the calls it picked just before, with room to spare. 0 stops at once (tests, development).
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long calls in flight (a slow lookup, a VerifyCredentials stream) may take to finish once Kestrel
    /// stops accepting new ones; past it they are aborted. Should exceed the longest deadline clients set.
    /// </summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The host's whole stop budget: the grace, the call drain, and the rest of the stop.</summary>
    public TimeSpan ShutdownTimeout => Grace + MaxCallDuration + StopMargin;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Grace < TimeSpan.Zero || Grace > MaxGrace)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(Grace)} must be between 00:00:00 and {MaxGrace} (got {Grace}).", [nameof(Grace)]);
        }

        if (MaxCallDuration <= TimeSpan.Zero || MaxCallDuration > MaxCallDurationLimit)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(MaxCallDuration)} must be more than 0 and at most {MaxCallDurationLimit} (got {MaxCallDuration}).", [nameof(MaxCallDuration)]);
        }
    }
}
