using ELicense.V1;

namespace ELicense.Core.Rules;

/// <summary>
/// The roadside answer's parts put together: the class-versus-vehicle match in the contract's words and
/// whether the driver may drive on. The server (on live records) and the handheld offline (on signed data)
/// both use it, so they cannot disagree on what "may drive" needs. Pure.
/// </summary>
public static class RoadsideRules
{
    /// <summary>The match of <paramref name="licenseClass"/> against <paramref name="vehicleType"/> (see <see cref="VehicleEntitlement.Check"/>).</summary>
    public static DriveEntitlement Entitlement(string? licenseClass, string? vehicleType, VehicleTypeCatalog catalog)
    {
        var check = VehicleEntitlement.Check(licenseClass, vehicleType, catalog);
        var result = new DriveEntitlement
        {
            Reason = check.Reason,
            Message = check.Message,
            VehicleType = vehicleType ?? "",
            VehicleTypeName = check.VehicleType?.NameZh ?? "",
            LicenseClass = licenseClass ?? "",
        };
        result.RequiredClasses.AddRange(check.NeededClasses);
        return result;
    }

    /// <summary>No match can be made: <paramref name="why"/> names the part that could not be established.</summary>
    public static DriveEntitlement NotDetermined(string why) => new()
    {
        Reason = EntitlementReason.NotDetermined,
        Message = "Entitlement not determined: " + why,
    };

    /// <summary>True only when the licence is VALID, the vehicle VALID and the licence entitles to its type.</summary>
    public static bool MayDrive(Verdict license, VehicleVerdict vehicle, DriveEntitlement entitlement) =>
        license == Verdict.Valid && vehicle == VehicleVerdict.Valid && entitlement.Reason == EntitlementReason.Entitled;

    /// <summary>A sentence for the officer: "may drive", or every part that stops the driver.</summary>
    public static string Explain(Verdict license, VehicleVerdict vehicle, DriveEntitlement entitlement)
    {
        if (MayDrive(license, vehicle, entitlement))
        {
            return "May drive: licence valid, vehicle in order, class entitles.";
        }

        var stops = new List<string>(3);
        if (license != Verdict.Valid)
        {
            stops.Add($"licence {Name(license.ToString())}");
        }

        if (vehicle != VehicleVerdict.Valid)
        {
            stops.Add($"vehicle {Name(vehicle.ToString())}");
        }

        if (entitlement.Reason != EntitlementReason.Entitled)
        {
            // The entitlement's message is a sentence of its own; its full stop would double the one added below.
            stops.Add(entitlement.Message.TrimEnd('.'));
        }

        return "May not drive: " + string.Join("; ", stops) + ".";
    }

    // "LicenseNotValid" → "license not valid": the enum's C# name is stable and readable enough for a sentence.
    private static string Name(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
