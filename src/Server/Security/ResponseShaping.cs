using ELicense.Server.Validation;
using ELicense.V1;

namespace ELicense.Server.Security;

/// <summary>
/// Data minimisation, in one place: what each role may see of a response. Officers see everything.
/// Transfer systems see whether a licence or vehicle passes, never who the holder or owner is: no
/// names, masked identity numbers, no violation details of a person. Cached messages are shared
/// between calls, so shaping always works on copies.
/// </summary>
public static class ResponseShaping
{
    public static bool SeesPersonalData(Caller caller) => caller.IsIn(Roles.Officer);

    public static VerifyCredentialResponse ForCaller(VerifyCredentialResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        shaped.License = shaped.License is null ? null : MinimalLicense(shaped.License);
        shaped.Violations = null;
        if (shaped.Credential?.Snapshot is { } snapshot)
        {
            shaped.Credential.Snapshot = new CredentialSnapshot
            {
                LicenseNumber = IdentityNumber.Mask(snapshot.LicenseNumber),
                LicenseClass = snapshot.LicenseClass,
                Status = snapshot.Status,
                ValidFromDate = snapshot.ValidFromDate,
                ValidUntilDate = snapshot.ValidUntilDate,
            };
        }

        return shaped;
    }

    public static CheckVehicleResponse ForCaller(CheckVehicleResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        shaped.Vehicle = MinimalVehicle(shaped.Vehicle);
        return shaped;
    }

    public static CheckTransferEligibilityResponse ForCaller(CheckTransferEligibilityResponse response, Caller caller)
    {
        if (SeesPersonalData(caller))
        {
            return response;
        }

        var shaped = response.Clone();
        shaped.Vehicle = MinimalVehicle(shaped.Vehicle);
        return shaped;
    }

    /// <summary>What a non-officer may know of a licence: whether and what it entitles, not whose it is.</summary>
    internal static License MinimalLicense(License license) => new()
    {
        LicenseNumber = IdentityNumber.Mask(license.LicenseNumber),
        LicenseClass = license.LicenseClass,
        Status = license.Status,
        ValidFromDate = license.ValidFromDate,
        ValidUntilDate = license.ValidUntilDate,
    };

    /// <summary>The vehicle without its owner's name (first character kept, so a clerk can match a document).</summary>
    internal static Vehicle? MinimalVehicle(Vehicle? vehicle)
    {
        if (vehicle is null)
        {
            return null;
        }

        var shaped = vehicle.Clone();
        shaped.OwnerName = MaskName(vehicle.OwnerName);
        return shaped;
    }

    /// <summary>"张三丰" → "张**": the family name only.</summary>
    public static string MaskName(string name)
    {
        var elements = System.Globalization.StringInfo.ParseCombiningCharacters(name);
        return elements.Length <= 1 ? new string('*', elements.Length) : name[..elements[1]] + new string('*', elements.Length - 1);
    }
}
