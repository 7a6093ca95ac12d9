using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.Core.Rules;
using ELicense.Server.Auditing;
using ELicense.Server.Registry;
using ELicense.Server.Validation;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Server.Verification;

/// <summary>A transfer check for the vehicle a seller's inspection mark names.</summary>
public sealed partial class RegistryLookups
{
    /// <summary>
    /// The mark is only a pointer to the vehicle: an expired one still points (the inspection's validity is
    /// judged on the live record), but one that is not genuine, or that does not describe the vehicle now
    /// registered under its plate, establishes no vehicle and blocks the transfer — an answer, not an error,
    /// like every bad credential. A genuine mark for a plate the registry no longer holds is NOT_FOUND, as a
    /// lookup by that plate would be.
    /// </summary>
    private async Task<CheckTransferEligibilityResponse> TransferByMarkAsync(string qrPayload, ServerCallContext context)
    {
        var response = new CheckTransferEligibilityResponse();
        var check = markVerifier.Verify(qrPayload);
        if (check.Claims is { } claims)
        {
            response.Mark = MarkVerdicts.Info(claims, check.Key!);
        }

        var scope = context.Audit();
        if (check.Status is not (CredentialStatus.Genuine or CredentialStatus.Expired))
        {
            return NotGenuine(response, scope, $"The inspection mark is not genuine ({check.Detail}): the vehicle is not established.");
        }

        var mark = check.Claims!.Mark;
        if (scope is not null)
        {
            (scope.Plate, scope.Vin) = (mark.Plate, null);
        }

        var read = await reader.GetVehicleByPlateAsync(mark.Plate, context.CancellationToken);
        if (scope is not null)
        {
            scope.Source = read.Source;
        }

        if (read.Entry.IsNegative)
        {
            throw RpcErrors.NotFound("elicense.v1.Vehicle", RegistryKeys.Plate(mark.Plate), ErrorReasons.VehicleNotFound);
        }

        var now = time.GetUtcNow();
        response.Freshness = FreshnessInfo.Create(read.Source, read.Entry.AsOfUnixMs, read.Stale, now, read.Bound);
        if (!VehicleRoadRules.Describes(mark, read.Entry.Vehicle))
        {
            // The vehicle under the plate is another one (plate re-issued, or the mark belongs elsewhere): its
            // record is not shown as if it were the seller's.
            return NotGenuine(response, scope, "The inspection mark does not describe the vehicle registered under its plate: the vehicle is not established.");
        }

        response.Vehicle = read.Entry.Vehicle;
        response.Violations = read.Entry.Violations;
        response.Eligible = VehicleRules.EvaluateTransfer(read.Entry.Vehicle, read.Entry.Violations, Dates.ChinaToday(now), read.Stale, response.Blocks);
        if (scope is not null)
        {
            scope.Result = response.Eligible ? "ELIGIBLE" : "NOT_ELIGIBLE";
        }

        return response;
    }

    private static CheckTransferEligibilityResponse NotGenuine(CheckTransferEligibilityResponse response, AuditScope? scope, string message)
    {
        response.Eligible = false;
        response.Blocks.Add(new TransferBlock { Reason = TransferBlockReason.MarkNotGenuine, Message = message });
        if (scope is not null)
        {
            scope.Result = "NOT_ELIGIBLE";
        }

        return response;
    }
}
