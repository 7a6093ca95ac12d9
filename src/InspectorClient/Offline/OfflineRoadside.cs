using ELicense.Core.Rules;
using ELicense.V1;

namespace ELicense.Inspector.Offline;

/// <summary>
/// The roadside answer made on the handheld alone, in the server's CheckRoadside shape: the licence and the
/// mark each checked offline (signature, validity, the signed data's rules), and the class-versus-vehicle
/// match computed by Core's <see cref="RoadsideRules"/> from what both signed: the snapshot's licence class
/// and the mark's vehicle type. Live status — of either — is not checked; the console labels it offline.
/// </summary>
public static class OfflineRoadside
{
    /// <summary>Puts the two offline parts together; <paramref name="catalog"/> is the device's vehicle-type table.</summary>
    public static CheckRoadsideResponse Combine(VerifyCredentialResponse licence, VehicleCheck vehicle, VehicleTypeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(licence);
        ArgumentNullException.ThrowIfNull(vehicle);
        var entitlement = Entitlement(licence, vehicle, catalog);
        return new CheckRoadsideResponse
        {
            LicenseCheck = licence,
            VehicleCheck = vehicle,
            Entitlement = entitlement,
            MayDrive = RoadsideRules.MayDrive(licence.Verdict, vehicle.Verdict, entitlement),
            Message = RoadsideRules.Explain(licence.Verdict, vehicle.Verdict, entitlement) + " Checked offline: live status not checked.",
            VerifyTime = licence.VerifyTime ?? vehicle.Mark?.IssueTime,
        };
    }

    /// <summary>
    /// The match from the signed data, when both parts are established: a licence whose snapshot verified
    /// (valid or not valid as signed) and a genuine, current mark — as the server decides it (an expired mark, like
    /// a forged, unknown, malformed or unchecked one, leaves nothing to compare).
    /// </summary>
    public static DriveEntitlement Entitlement(VerifyCredentialResponse licence, VehicleCheck vehicle, VehicleTypeCatalog catalog)
    {
        var snapshot = licence.Verdict is Verdict.Valid or Verdict.LicenseNotValid ? licence.Credential?.Snapshot : null;
        var mark = vehicle.Verdict is VehicleVerdict.Valid or VehicleVerdict.NotValid ? vehicle.Mark?.Mark : null;
        if (snapshot is null)
        {
            return RoadsideRules.NotDetermined("the licence could not be established offline.");
        }

        return mark is null
            ? RoadsideRules.NotDetermined("the inspection mark could not be established offline.")
            : RoadsideRules.Entitlement(snapshot.LicenseClass, mark.VehicleType, catalog);
    }
}
