using ELicense.Core.Rules;
using ELicense.Server.Auditing;
using ELicense.Server.Observability;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ELicense.Server.Verification;

/// <summary>
/// The roadside question in one call: the licence part exactly as VerifyCredential answers it (one-use rule
/// included), the vehicle part as VerifyInspectionMark (or a plate or VIN lookup) answers it, and whether the
/// live licence's classes cover the live vehicle's type. The two parts share nothing, so they run at once.
/// One audit record names both subjects.
/// </summary>
public sealed class RoadsideChecks(
    CredentialVerification licenses,
    VehicleVerification vehicles,
    VehicleTypeCatalog catalog,
    ServerMetrics metrics,
    TimeProvider time)
{
    public async Task<CheckRoadsideResponse> CheckRoadside(CheckRoadsideRequest request, ServerCallContext context)
    {
        var mark = request.VehicleCase == CheckRoadsideRequest.VehicleOneofCase.MarkQrPayload ? request.MarkQrPayload : null;
        var plate = request.VehicleCase == CheckRoadsideRequest.VehicleOneofCase.Plate ? request.Plate : null;
        var vin = request.VehicleCase == CheckRoadsideRequest.VehicleOneofCase.Vin ? request.Vin : null;
        var validator = new RequestValidator()
            .Require(request.LicenseQrPayload.Length > 0, "license_qr_payload", "is required: the driver's scanned licence credential (\"EDL1:\")");
        if (mark is not null)
        {
            validator.Require(mark.Length > 0, "mark_qr_payload", "must not be empty: the scanned inspection mark (\"EVM1:\"), or name the vehicle by plate or vin");
        }
        else
        {
            validator.Vehicle(plate, vin, "vehicle", "mark_qr_payload, plate or vin");
        }

        validator.ClientId(request.DeviceId, "device_id", required: true).ThrowIfInvalid();

        var now = time.GetUtcNow();
        var licenseTask = licenses.VerifyAsync(request.LicenseQrPayload, request.DeviceId, context.CancellationToken);
        var vehicleTask = mark is not null
            ? vehicles.VerifyMarkAsync(mark, context.CancellationToken)
            : vehicles.CheckAsync(plate, vin, context.CancellationToken);
        // Both awaited before either is read, so a failure of one never leaves the other unobserved.
        await Task.WhenAll(licenseTask, vehicleTask);
        var license = await licenseTask;
        var vehicle = await vehicleTask;

        metrics.RecordVerdict(license);
        metrics.RecordVehicleVerdict(vehicle, mark is not null ? "mark" : plate is not null ? "plate" : "vin");
        var entitlement = Entitlement(license, vehicle);
        var response = new CheckRoadsideResponse
        {
            MayDrive = RoadsideRules.MayDrive(license.Verdict, vehicle.Verdict, entitlement),
            Message = RoadsideRules.Explain(license.Verdict, vehicle.Verdict, entitlement) + Degradation(license, vehicle),
            LicenseCheck = license,
            VehicleCheck = vehicle,
            Entitlement = entitlement,
            VerifyTime = Timestamp.FromDateTimeOffset(now),
        };

        if (context.Audit() is { } scope)
        {
            // Before shaping: the subjects need the full licence number and the mark's plate.
            scope.DeviceId = request.DeviceId;
            Auditor.Describe(scope, license);
            (scope.Plate, scope.Vin) = (plate, vin);
            Auditor.DescribeVehicle(scope, vehicle);
            scope.Result = $"{license.Verdict}/{vehicle.Verdict}/{entitlement.Reason}";
        }

        return ResponseShaping.ForCaller(response, context.RequireCaller());
    }

    /// <summary>
    /// The class-versus-type match on the live records, made only when both are established: a genuine licence
    /// found in the registry (valid or not: a suspended C1 still does not cover a truck) and a registered vehicle
    /// the mark, if one was shown, describes. Anything less is not a match to be made on a guess.
    /// </summary>
    private DriveEntitlement Entitlement(VerifyCredentialResponse license, VehicleCheck vehicle)
    {
        if (license.Verdict is not (Verdict.Valid or Verdict.LicenseNotValid) || license.License is null)
        {
            return RoadsideRules.NotDetermined(license.Verdict switch
            {
                Verdict.LicenseNotFound => "the registry holds no licence with the credential's number.",
                Verdict.StatusUnavailable => "the licence's live record cannot be read or its one-time use vouched for.",
                Verdict.Replayed => "the licence credential was already used by another device.",
                _ => "the licence credential is not genuine or not current.",
            });
        }

        if (vehicle.Verdict is not (VehicleVerdict.Valid or VehicleVerdict.NotValid) || vehicle.Vehicle is null)
        {
            return RoadsideRules.NotDetermined(vehicle.Verdict switch
            {
                VehicleVerdict.NotFound => "the registry holds no such vehicle.",
                VehicleVerdict.StatusUnavailable => "the vehicle's live record cannot be read.",
                _ => "the inspection mark is not genuine or not current.",
            });
        }

        if (vehicle.NotValidReasons.Contains(VehicleNotValidReason.MarkMismatch))
        {
            // The vehicle on the road is the one the mark describes, not the one now under its plate: comparing
            // against the registered one would judge another vehicle's type.
            return RoadsideRules.NotDetermined("the mark does not describe the vehicle registered under its plate.");
        }

        return RoadsideRules.Entitlement(license.License.LicenseClass, vehicle.Vehicle.VehicleType, catalog);
    }

    /// <summary>
    /// What weakens the answer, for the top message: a client or officer reading only it must not see an
    /// undegraded "may drive" when a part came from a stale copy or the one-use check was not authoritative.
    /// </summary>
    private static string Degradation(VerifyCredentialResponse license, VehicleCheck vehicle)
    {
        var notes = new List<string>(3);
        if (license.Freshness?.Stale == true)
        {
            notes.Add("licence status from a stale copy");
        }

        if (vehicle.Freshness?.Stale == true)
        {
            notes.Add("vehicle status from a stale copy");
        }

        if (license.ReplayCheck is ReplayCheck.LocalOnly or ReplayCheck.SharedIncomplete)
        {
            notes.Add("replay check not authoritative");
        }

        return notes.Count == 0 ? "" : " Warning: " + string.Join("; ", notes) + " (see the parts).";
    }
}
