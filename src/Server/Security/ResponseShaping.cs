using ELicense.Server.Validation;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Security;

/// <summary>
/// Data minimisation, in one place: what each role may see of a response. Officers see everything.
/// Transfer systems see whether a licence or vehicle passes, never who the holder or owner is: no
/// names, masked identity numbers, no violation details of a person. Every field cleared or masked here
/// is named in the response's withheld_fields or masked_fields by the same call that strips it
/// (<see cref="ShapingRecord"/>), so that a client shows "withheld" instead of a default value.
/// Cached messages are shared between calls, so shaping always works on copies.
/// </summary>
public static class ResponseShaping
{
    /// <summary>What a non-officer may know of a licence: whether and what it entitles, not whose it is.</summary>
    private static readonly FieldPolicy MinimalLicense = new(License.Descriptor,
        [License.LicenseClassFieldNumber, License.StatusFieldNumber, License.ValidFromDateFieldNumber, License.ValidUntilDateFieldNumber],
        new Dictionary<int, Func<string, string>> { [License.LicenseNumberFieldNumber] = IdentityNumber.Mask });

    /// <summary>The signed snapshot under the same rule as the live licence.</summary>
    private static readonly FieldPolicy MinimalSnapshot = new(CredentialSnapshot.Descriptor,
        [CredentialSnapshot.LicenseClassFieldNumber, CredentialSnapshot.StatusFieldNumber,
            CredentialSnapshot.ValidFromDateFieldNumber, CredentialSnapshot.ValidUntilDateFieldNumber],
        new Dictionary<int, Func<string, string>> { [CredentialSnapshot.LicenseNumberFieldNumber] = IdentityNumber.Mask });

    /// <summary>
    /// The vehicle without its owner's name (first character kept, so a clerk can match a document). The
    /// vehicle type describes the vehicle, not a person, and a transfer system needs it: kept.
    /// </summary>
    private static readonly FieldPolicy MinimalVehicle = new(Vehicle.Descriptor,
        [Vehicle.PlateFieldNumber, Vehicle.VinFieldNumber, Vehicle.ModelFieldNumber, Vehicle.StatusesFieldNumber, Vehicle.VehicleTypeFieldNumber,
            Vehicle.InspectionValidUntilDateFieldNumber, Vehicle.InsuranceValidUntilDateFieldNumber, Vehicle.UpdateTimeFieldNumber],
        new Dictionary<int, Func<string, string>> { [Vehicle.OwnerNameFieldNumber] = MaskName });

    public static bool SeesPersonalData(Caller caller) => caller.IsIn(Roles.Officer);

    public static VerifyCredentialResponse ForCaller(VerifyCredentialResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        ShapeInPlace(shaped);
        return shaped;
    }

    /// <summary>Shapes a copied credential answer in place for a non-officer (also the licence part of a roadside answer).</summary>
    private static void ShapeInPlace(VerifyCredentialResponse shaped)
    {
        var record = new ShapingRecord();
        if (shaped.License is { } license)
        {
            MinimalLicense.Apply(license, "license.", record);
        }

        if (shaped.Violations is not null)
        {
            // The licence's violation totals describe the person: withheld whole.
            record.Withhold(shaped, VerifyCredentialResponse.ViolationsFieldNumber);
        }

        if (shaped.Credential?.Snapshot is { } snapshot)
        {
            MinimalSnapshot.Apply(snapshot, "credential.snapshot.", record);
        }

        (shaped.WithheldFields, shaped.MaskedFields) = (record.Withheld, record.Masked);
    }

    public static CheckVehicleResponse ForCaller(CheckVehicleResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        (shaped.WithheldFields, shaped.MaskedFields) = ShapeVehicle(shaped.Vehicle);
        return shaped;
    }

    public static CheckTransferEligibilityResponse ForCaller(CheckTransferEligibilityResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        (shaped.WithheldFields, shaped.MaskedFields) = ShapeVehicle(shaped.Vehicle);
        return shaped;
    }

    public static VerifyInspectionMarkResponse ForCaller(VerifyInspectionMarkResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        ShapeInPlace(shaped.VehicleCheck);
        return shaped;
    }

    /// <summary>
    /// Each part as its own call would be shaped: the licence part exactly as VerifyCredential's answer, the
    /// vehicle part as VerifyInspectionMark's, each naming what it stripped relative to itself. The entitlement
    /// names the licence class and the vehicle type, which a non-officer sees in the parts as well: kept.
    /// </summary>
    public static CheckRoadsideResponse ForCaller(CheckRoadsideResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        if (shaped.LicenseCheck is { } license)
        {
            ShapeInPlace(license);
        }

        ShapeInPlace(shaped.VehicleCheck);
        return shaped;
    }

    /// <summary>
    /// A copied vehicle check shaped as CheckVehicle's answer is: the owner's name masked, named relative to the
    /// check. The signed mark describes the vehicle, not a person (a masked VIN, the plate, the type): passed as it is.
    /// </summary>
    private static void ShapeInPlace(VehicleCheck? check)
    {
        if (check is not null)
        {
            (check.WithheldFields, check.MaskedFields) = ShapeVehicle(check.Vehicle);
        }
    }

    /// <summary>Shapes the vehicle of a copied response in place; returns what to name in withheld_fields and masked_fields.</summary>
    private static (FieldMask Withheld, FieldMask Masked) ShapeVehicle(Vehicle? vehicle)
    {
        var record = new ShapingRecord();
        if (vehicle is not null)
        {
            MinimalVehicle.Apply(vehicle, "vehicle.", record);
        }

        return (record.Withheld, record.Masked);
    }

    /// <summary>"张三丰" → "张**": the family name only.</summary>
    public static string MaskName(string name)
    {
        var elements = System.Globalization.StringInfo.ParseCombiningCharacters(name);
        return elements.Length <= 1 ? new string('*', elements.Length) : name[..elements[1]] + new string('*', elements.Length - 1);
    }
}
