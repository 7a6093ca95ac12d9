using ELicense.V1;

namespace ELicense.Core.Rules;

/// <summary>Whether the vehicle has an automatic transmission; the registry does not record it yet, so usually unknown.</summary>
public enum Transmission
{
    Unknown = 0,
    Manual,
    Automatic,
}

/// <summary>The answer of <see cref="VehicleEntitlement.Check"/>.</summary>
/// <param name="Reason">The named reason (the contract's enum: the rule and the wire cannot drift apart); <see cref="IsEntitled"/> follows from it, so the two cannot disagree.</param>
/// <param name="VehicleType">The catalogue entry, or null for an unknown type.</param>
/// <param name="NeededClasses">The classes any of which entitles ("C1", or "C1 C2" where C2 covers the automatic variant); empty for an unknown type.</param>
/// <param name="HeldClasses">Every class the licence entitles to, inclusions expanded.</param>
public sealed record Entitlement(
    EntitlementReason Reason, VehicleType? VehicleType, IReadOnlyList<string> NeededClasses, IReadOnlySet<string> HeldClasses)
{
    /// <summary>True only for <see cref="EntitlementReason.Entitled"/>.</summary>
    public bool IsEntitled => Reason == EntitlementReason.Entitled;

    /// <summary>The reason as the SCREAMING_CASE name a contract enum or a log uses.</summary>
    public string ReasonCode => Reason switch
    {
        EntitlementReason.Entitled => "ENTITLED",
        EntitlementReason.UnknownVehicleType => "UNKNOWN_VEHICLE_TYPE",
        EntitlementReason.NoLicenseClass => "NO_LICENSE_CLASS",
        EntitlementReason.ClassDoesNotCoverVehicle => "CLASS_DOES_NOT_COVER_VEHICLE",
        EntitlementReason.AutomaticOnly => "AUTOMATIC_ONLY",
        // A reason added without its name here must fail loudly, not be reported as another one
        // (NOT_DETERMINED is the roadside call's, never this rule's).
        _ => throw new InvalidOperationException($"Entitlement reason {Reason} has no code."),
    };

    /// <summary>A sentence for an officer: what was needed against what is held.</summary>
    public string Message => Reason switch
    {
        EntitlementReason.Entitled => $"Entitled to drive {VehicleType!.Display}.",
        EntitlementReason.UnknownVehicleType => "The vehicle type is unknown, so entitlement cannot be established.",
        EntitlementReason.NoLicenseClass => "The licence names no recognised class.",
        EntitlementReason.AutomaticOnly =>
            $"{VehicleType!.Display} needs {VehicleType.RequiredClass}; the held {VehicleType.AutomaticClass} covers it only with an automatic transmission.",
        EntitlementReason.ClassDoesNotCoverVehicle =>
            $"{VehicleType!.Display} needs {string.Join(" or ", NeededClasses)}; the licence covers {string.Join(' ', HeldClasses)}.",
        _ => throw new InvalidOperationException($"Entitlement reason {Reason} has no message."),
    };
}

/// <summary>The class-versus-vehicle rule (准驾车型). Pure.</summary>
public static class VehicleEntitlement
{
    /// <summary>
    /// Whether a licence of <paramref name="licenseClass"/> (e.g. "C1E", inclusions applied: A2 ⊃ B1 B2 C1 …)
    /// entitles its holder to drive a vehicle of <paramref name="vehicleTypeCode"/>.
    /// </summary>
    public static Entitlement Check(string? licenseClass, string? vehicleTypeCode, VehicleTypeCatalog catalog, Transmission transmission = Transmission.Unknown)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var held = LicenseClasses.Entitled(licenseClass ?? string.Empty);
        var type = catalog.Find(vehicleTypeCode);
        if (type is null)
        {
            return new Entitlement(EntitlementReason.UnknownVehicleType, null, [], held);
        }

        IReadOnlyList<string> needed = type.AutomaticClass is { } automatic ? [type.RequiredClass, automatic] : [type.RequiredClass];
        if (held.Count == 0)
        {
            return new Entitlement(EntitlementReason.NoLicenseClass, type, needed, held);
        }

        if (held.Contains(type.RequiredClass))
        {
            return new Entitlement(EntitlementReason.Entitled, type, needed, held);
        }

        if (type.AutomaticClass is not null && held.Contains(type.AutomaticClass))
        {
            return transmission == Transmission.Automatic
                ? new Entitlement(EntitlementReason.Entitled, type, needed, held)
                : new Entitlement(EntitlementReason.AutomaticOnly, type, needed, held);
        }

        return new Entitlement(EntitlementReason.ClassDoesNotCoverVehicle, type, needed, held);
    }

    /// <summary>
    /// The type a re-registered vehicle (its VIN on a new plate, no type given) keeps: its stored one when that fits
    /// the new plate, otherwise none (read as unknown, which entitles nobody) — a small-car type must not ride along
    /// onto a large plate, where a write naming it would be refused.
    /// </summary>
    public static string CarriedType(string storedType, V1.PlateType newPlate) =>
        VehicleTypeCatalog.Default.Find(storedType) is { } known && PlateFits(known, newPlate) ? storedType : "";

    /// <summary>
    /// Whether a plate type fits the vehicle type's plate size (a bus or heavy truck on a large plate,
    /// a small car on a small one, a motorcycle on an ordinary or light motorcycle plate). Types whose plates the contract has no type for fit no plate type
    /// of it. True for an unknown vehicle type: that is reported on its own.
    /// </summary>
    public static bool PlateFits(VehicleType? type, V1.PlateType plateType) => type is null || type.Plate switch
    {
        PlateSize.Large => plateType is V1.PlateType.Large or V1.PlateType.LargeNewEnergy,
        PlateSize.Small => plateType is V1.PlateType.Small or V1.PlateType.SmallNewEnergy,
        PlateSize.Motorcycle => plateType is V1.PlateType.Motorcycle,
        PlateSize.LightMotorcycle => plateType is V1.PlateType.LightMotorcycle,
        _ => false,
    };
}
