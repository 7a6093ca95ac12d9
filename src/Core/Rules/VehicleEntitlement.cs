namespace ELicense.Core.Rules;

/// <summary>Why a licence does or does not entitle its holder to drive a vehicle type.</summary>
public enum EntitlementReason
{
    /// <summary>ENTITLED: a held class, or one it includes, is the class the type needs.</summary>
    Entitled = 0,

    /// <summary>UNKNOWN_VEHICLE_TYPE: the vehicle has no type, or one the catalogue does not know; never entitled on a guess.</summary>
    UnknownVehicleType,

    /// <summary>NO_LICENCE_CLASS: the licence names no class this catalogue's rules recognise.</summary>
    NoLicenceClass,

    /// <summary>CLASS_DOES_NOT_COVER_VEHICLE: neither a held class nor one it includes is the class needed (准驾车型不符).</summary>
    ClassDoesNotCoverVehicle,

    /// <summary>AUTOMATIC_ONLY: a held class covers only the automatic variant (C2) and the vehicle is not known to be automatic.</summary>
    AutomaticOnly,
}

/// <summary>Whether the vehicle has an automatic transmission; the registry does not record it yet, so usually unknown.</summary>
public enum Transmission
{
    Unknown = 0,
    Manual,
    Automatic,
}

/// <summary>The answer of <see cref="VehicleEntitlement.Check"/>.</summary>
/// <param name="IsEntitled">True only for <see cref="EntitlementReason.Entitled"/>.</param>
/// <param name="Reason">The named reason.</param>
/// <param name="VehicleType">The catalogue entry, or null for an unknown type.</param>
/// <param name="NeededClasses">The classes any of which entitles ("C1", or "C1 C2" where C2 covers the automatic variant); empty for an unknown type.</param>
/// <param name="HeldClasses">Every class the licence entitles to, inclusions expanded.</param>
public sealed record Entitlement(
    bool IsEntitled, EntitlementReason Reason, VehicleType? VehicleType, IReadOnlyList<string> NeededClasses, IReadOnlySet<string> HeldClasses)
{
    /// <summary>The reason as the SCREAMING_CASE name a contract enum or a log uses.</summary>
    public string ReasonCode => Reason switch
    {
        EntitlementReason.Entitled => "ENTITLED",
        EntitlementReason.UnknownVehicleType => "UNKNOWN_VEHICLE_TYPE",
        EntitlementReason.NoLicenceClass => "NO_LICENCE_CLASS",
        EntitlementReason.ClassDoesNotCoverVehicle => "CLASS_DOES_NOT_COVER_VEHICLE",
        _ => "AUTOMATIC_ONLY",
    };

    /// <summary>A sentence for an officer: what was needed against what is held.</summary>
    public string Message => Reason switch
    {
        EntitlementReason.Entitled => $"Entitled to drive {VehicleType!.Display}.",
        EntitlementReason.UnknownVehicleType => "The vehicle type is unknown, so entitlement cannot be established.",
        EntitlementReason.NoLicenceClass => "The licence names no recognised class.",
        EntitlementReason.AutomaticOnly =>
            $"{VehicleType!.Display} needs {VehicleType.RequiredClass}; the held {VehicleType.AutomaticClass} covers it only with an automatic transmission.",
        _ => $"{VehicleType!.Display} needs {string.Join(" or ", NeededClasses)}; the licence covers {string.Join(' ', HeldClasses)}.",
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
            return new Entitlement(false, EntitlementReason.UnknownVehicleType, null, [], held);
        }

        IReadOnlyList<string> needed = type.AutomaticClass is { } automatic ? [type.RequiredClass, automatic] : [type.RequiredClass];
        if (held.Count == 0)
        {
            return new Entitlement(false, EntitlementReason.NoLicenceClass, type, needed, held);
        }

        if (held.Contains(type.RequiredClass))
        {
            return new Entitlement(true, EntitlementReason.Entitled, type, needed, held);
        }

        if (type.AutomaticClass is not null && held.Contains(type.AutomaticClass))
        {
            return transmission == Transmission.Automatic
                ? new Entitlement(true, EntitlementReason.Entitled, type, needed, held)
                : new Entitlement(false, EntitlementReason.AutomaticOnly, type, needed, held);
        }

        return new Entitlement(false, EntitlementReason.ClassDoesNotCoverVehicle, type, needed, held);
    }

    /// <summary>
    /// Whether a plate type fits the vehicle type's plate size (a bus or heavy truck on a large plate,
    /// a small car on a small one). Types whose plates the contract has no type for fit no plate type
    /// of it. True for an unknown vehicle type: that is reported on its own.
    /// </summary>
    public static bool PlateFits(VehicleType? type, V1.PlateType plateType) => type is null || type.Plate switch
    {
        PlateSize.Large => plateType is V1.PlateType.Large or V1.PlateType.LargeNewEnergy,
        PlateSize.Small => plateType is V1.PlateType.Small or V1.PlateType.SmallNewEnergy,
        _ => false,
    };
}
