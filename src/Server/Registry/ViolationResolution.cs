using ELicense.Core.Identifiers;
using ELicense.Core.Rules;
using ELicense.V1;

namespace ELicense.Server.Registry;

/// <summary>
/// A request to resolve a violation, and the rules that decide it (<see cref="ViolationRules"/> in Core),
/// handed to <see cref="IRegistryStore.ResolveViolationAsync"/> so that the engine runs them inside its
/// write transaction on the rows it has read, and the engine holds no rule of its own.
/// </summary>
public sealed class ViolationResolution
{
    /// <param name="target">PROCESSED or PAID.</param>
    /// <param name="licenseNumber">The licence to attribute the violation to; empty to keep the recorded one.</param>
    public ViolationResolution(ViolationState target, string? licenseNumber)
    {
        if (!ViolationRules.IsResolution(target))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "A violation can only be resolved to PROCESSED or PAID.");
        }

        Target = target;
        LicenseNumber = string.IsNullOrEmpty(licenseNumber) ? null : licenseNumber;
    }

    /// <summary>The state asked for.</summary>
    public ViolationState Target { get; }

    /// <summary>The licence named by the request, or null.</summary>
    public string? LicenseNumber { get; }

    /// <summary>The licence the stored <paramref name="current"/> violation ends up attributed to.</summary>
    /// <exception cref="RegistryRuleException">The state machine forbids the move, or there is no licence to attribute it to.</exception>
    public string Attribute(Violation current) => Decide(current).AttributedTo!;

    /// <summary>
    /// The points and status <paramref name="license"/> (the attributed one, as stored) has after the
    /// resolution, or null when the licence does not change (paying an already processed violation).
    /// </summary>
    public LicenseStanding? Standing(Violation current, License license)
    {
        if (!Decide(current).AddsPoints)
        {
            return null;
        }

        var points = license.Points + current.Points;
        return new LicenseStanding(points, ViolationRules.StatusWithPoints(license.Status, points));
    }

    private ViolationDecision Decide(Violation current)
    {
        var decision = ViolationRules.Decide(current.State, Target, current.LicenseNumber, LicenseNumber);
        return decision.Refusal switch
        {
            ViolationRefusal.None => decision,
            ViolationRefusal.AlreadyResolved => throw new RegistryRuleException(RegistryRuleReasons.ViolationAlreadyResolved,
                $"Violation {current.ViolationId} is {current.State} and cannot become {Target}."),
            _ => throw new RegistryRuleException(RegistryRuleReasons.LicenseRequired,
                $"Violation {current.ViolationId} is not attributed to a licence; a licence number is required."),
        };
    }

    /// <summary>The refusal for a licence number that is not in the registry (masked: the message may be logged).</summary>
    public static RegistryRuleException LicenseNotFound(string licenseNumber) =>
        new(RegistryRuleReasons.LicenseNotFound, $"Licence {IdentityNumber.Mask(licenseNumber)} not found.");
}

/// <summary>A licence's points and status after a resolution.</summary>
public readonly record struct LicenseStanding(int Points, LicenseStatus Status);

/// <summary>Conveniences over <see cref="IRegistryStore"/>.</summary>
public static class RegistryStoreExtensions
{
    /// <summary>Resolves a violation to <paramref name="state"/> under the registry's rules; see <see cref="IRegistryStore.ResolveViolationAsync"/>.</summary>
    public static Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(this IRegistryStore store, string violationId,
        ViolationState state, string licenseNumber, CancellationToken cancellationToken) =>
        store.ResolveViolationAsync(violationId, new ViolationResolution(state, licenseNumber), cancellationToken);
}
