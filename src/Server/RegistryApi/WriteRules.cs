using ELicense.Server.Validation;
using ELicense.V1;
using ELicense.Core;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;

namespace ELicense.Server.RegistryApi;

/// <summary>What a write must satisfy before it reaches the registry. Every bad field is reported at once.</summary>
public static class WriteRules
{
    /// <summary>Points a single violation can score.</summary>
    public static readonly int[] AllowedPoints = [0, 1, 3, 6, 9, 12];

    public static bool IsDefined<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Enum.IsDefined(value) && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0;

    public static void ValidateLicense(License? license)
    {
        var v = new RequestValidator();
        if (license is null)
        {
            v.Require(false, "license", "is required").ThrowIfInvalid();
            return;
        }

        v.LicenseNumber(license.LicenseNumber, "license.license_number")
         .Require(license.FileNumber.Length == 12 && license.FileNumber.All(char.IsAsciiDigit), "license.file_number", "must be 12 digits")
         .Text(license.HolderName, "license.holder_name", Fields.MaxNameLength, required: true)
         .Require(LicenseClasses.TryParse(license.LicenseClass, out _), "license.license_class",
             "must be one or more class codes run together, e.g. C1, A2D, C1E (codes: " + string.Join(' ', LicenseClasses.All) + ")")
         .Require(IsDefined(license.Status), "license.status", "must be a LicenseStatus other than LICENSE_STATUS_UNSPECIFIED")
         .Require(Dates.IsValid(license.FirstIssueDate), "license.first_issue_date", "is required and must be a real date")
         .Require(Dates.IsValid(license.ValidFromDate), "license.valid_from_date", "is required and must be a real date")
         .Require(license.ValidUntilDate is null || (Dates.IsValid(license.ValidUntilDate) && Dates.IsValid(license.ValidFromDate)
                 && license.ValidUntilDate.ToDateOnly() >= license.ValidFromDate.ToDateOnly()),
             "license.valid_until_date", "must be a real date not before valid_from_date, or unset for a long-term licence")
         .Require(license.Points is >= 0 and <= 99, "license.points", "must be between 0 and 99")
         .Text(license.IssuingAuthority, "license.issuing_authority", Fields.MaxTextLength)
         .ThrowIfInvalid();
    }

    public static void ValidateViolation(Violation? violation, string requestId, DateTimeOffset now)
    {
        var v = new RequestValidator().ClientId(requestId, "request_id", required: false);
        if (violation is null)
        {
            v.Require(false, "violation", "is required").ThrowIfInvalid();
            return;
        }

        v.Require(violation.ViolationId.Length == 0, "violation.violation_id", "is assigned by the registry; leave it empty")
         .Require(violation.OccurTime is not null && violation.OccurTime.ToDateTimeOffset() <= now.AddDays(1)
                 && violation.OccurTime.ToDateTimeOffset().Year >= 1990,
             "violation.occur_time", "is required, after 1990 and not in the future")
         .Text(violation.Place, "violation.place", Fields.MaxTextLength, required: true)
         .Require(violation.Code.Length is >= 1 and <= 16 && violation.Code.All(char.IsAsciiLetterOrDigit), "violation.code", "must be 1 to 16 letters or digits")
         .Text(violation.Description, "violation.description", Fields.MaxTextLength)
         .Require(AllowedPoints.Contains(violation.Points), "violation.points", "must be one of 0, 1, 3, 6, 9, 12")
         .Require(violation.FineYuan is >= 0 and <= 100_000, "violation.fine_yuan", "must be between 0 and 100000")
         .Plate(violation.Plate, "violation.plate")
         .Require(violation.State is ViolationState.Unspecified or ViolationState.Unprocessed, "violation.state",
             "must be unset or VIOLATION_STATE_UNPROCESSED: processing goes through ResolveViolation, which records the points")
         .Require(violation.Source == ViolationSource.Unspecified || IsDefined(violation.Source), "violation.source", "must be a ViolationSource");
        if (violation.LicenseNumber.Length > 0)
        {
            v.LicenseNumber(violation.LicenseNumber, "violation.license_number");
        }

        v.ThrowIfInvalid();
        violation.State = ViolationState.Unprocessed;
    }

    /// <summary>
    /// A vehicle write. <paramref name="catalog"/> (the default table unless a deployment gives its own)
    /// decides which vehicle types exist and which plate each is registered under.
    /// </summary>
    public static void ValidateVehicle(Vehicle? vehicle, VehicleTypeCatalog? catalog = null)
    {
        catalog ??= VehicleTypeCatalog.Default;
        var v = new RequestValidator();
        if (vehicle is null)
        {
            v.Require(false, "vehicle", "is required").ThrowIfInvalid();
            return;
        }

        v.Plate(vehicle.Plate, "vehicle.plate")
         .Vin(vehicle.Vin, "vehicle.vin")
         .Text(vehicle.OwnerName, "vehicle.owner_name", Fields.MaxNameLength, required: true)
         .Text(vehicle.Model, "vehicle.model", Fields.MaxNameLength)
         .Require(vehicle.Statuses.Count <= 8 && vehicle.Statuses.All(IsDefined), "vehicle.statuses", "must be at most 8 VehicleStatus values other than VEHICLE_STATUS_UNSPECIFIED")
         .Require(vehicle.InspectionValidUntilDate is null || Dates.IsValid(vehicle.InspectionValidUntilDate), "vehicle.inspection_valid_until_date", "must be a real date")
         .Require(vehicle.InsuranceValidUntilDate is null || Dates.IsValid(vehicle.InsuranceValidUntilDate), "vehicle.insurance_valid_until_date", "must be a real date");
        ValidateVehicleType(v, vehicle, catalog);
        v.ThrowIfInvalid();
    }

    // Empty stays allowed and means "keep the stored type" (both engines' upserts): writers built before
    // the field existed send none, and their status updates must not wipe a recorded type. A new record
    // written without one reads as unknown, which entitles nobody, so this never lets a wrong driver pass.
    private static void ValidateVehicleType(RequestValidator v, Vehicle vehicle, VehicleTypeCatalog catalog)
    {
        if (vehicle.VehicleType.Length == 0)
        {
            return;
        }

        var type = catalog.Find(vehicle.VehicleType);
        if (type is null)
        {
            v.Require(false, "vehicle.vehicle_type",
                "must be empty or a GA 802 vehicle type code of the catalogue, e.g. K33, K31, H11, Q11 (" + catalog.All.Count + " codes)");
            return;
        }

        // Only a plate type the check can judge: a bad plate is already reported under vehicle.plate.
        if (vehicle.Plate is { Type: PlateType.Large or PlateType.LargeNewEnergy or PlateType.Small or PlateType.SmallNewEnergy
                or PlateType.Motorcycle or PlateType.LightMotorcycle } plate)
        {
            v.Require(VehicleEntitlement.PlateFits(type, plate.Type), "vehicle.vehicle_type", type.Plate switch
            {
                PlateSize.Large => $"{type.Display} is registered under a large plate (01 or 51), not {(int)plate.Type:00}",
                PlateSize.Small => $"{type.Display} is registered under a small plate (02 or 52), not {(int)plate.Type:00}",
                PlateSize.Motorcycle => $"{type.Display} is registered under a motorcycle plate (07), not {(int)plate.Type:00}",
                PlateSize.LightMotorcycle => $"{type.Display} is registered under a light motorcycle plate (08), not {(int)plate.Type:00}",
                _ => $"{type.Display} is registered under a plate type the contract has no value for yet (low-speed, trolleybus, tram…)",
            });
        }
    }
}
