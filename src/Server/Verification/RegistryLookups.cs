using ELicense.Core;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;
using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.Server.Credentials;
using ELicense.Server.Registry;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Server.Verification;

/// <summary>
/// The cached registry lookups of the read side: a licence, a vehicle, a transfer check. Each answer
/// says which cache level it came from and how stale it may be; the rules are evaluated on it here.
/// </summary>
public sealed partial class RegistryLookups(RegistryReader reader, MarkVerifier markVerifier, TimeProvider time)
{
    public async Task<GetLicenseResponse> GetLicense(GetLicenseRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .LicenseNumber(request.LicenseNumber, "license_number")
            .Purpose(request.Purpose, "purpose")
            .ThrowIfInvalid();
        var scope = context.Audit();
        if (scope is not null)
        {
            scope.LicenseNumber = request.LicenseNumber;
            scope.Purpose = request.Purpose;
        }

        var read = await reader.GetLicenseAsync(request.LicenseNumber, context.CancellationToken);
        if (scope is not null)
        {
            scope.Source = read.Source;
        }

        if (read.Entry.IsNegative)
        {
            throw RpcErrors.NotFound("elicense.v1.License", IdentityNumber.Mask(request.LicenseNumber), ErrorReasons.LicenseNotFound);
        }

        var now = time.GetUtcNow();
        var response = new GetLicenseResponse
        {
            License = read.Entry.License,
            Violations = read.Entry.Violations,
            Freshness = FreshnessInfo.Create(read.Source, read.Entry.AsOfUnixMs, read.Stale, now, read.Bound),
        };
        response.ValidNow = LicenseRules.Evaluate(read.Entry.License, Dates.ChinaToday(now), response.NotValidReasons);
        return response;
    }

    public async Task<CheckVehicleResponse> CheckVehicle(CheckVehicleRequest request, ServerCallContext context)
    {
        var read = await ReadVehicleAsync(request.VehicleCase == CheckVehicleRequest.VehicleOneofCase.Plate ? request.Plate : null,
            request.VehicleCase == CheckVehicleRequest.VehicleOneofCase.Vin ? request.Vin : null, context.Audit(), context.CancellationToken);
        var now = time.GetUtcNow();
        var today = Dates.ChinaToday(now);
        var vehicle = read.Entry.Vehicle;
        return ResponseShaping.ForCaller(new CheckVehicleResponse
        {
            Vehicle = vehicle,
            InspectionValid = VehicleRules.InspectionValid(vehicle, today),
            InsuranceValid = VehicleRules.InsuranceValid(vehicle, today),
            StatusNormal = VehicleRules.StatusNormal(vehicle),
            Violations = read.Entry.Violations,
            Freshness = FreshnessInfo.Create(read.Source, read.Entry.AsOfUnixMs, read.Stale, now, read.Bound),
        }, context.RequireCaller());
    }

    public async Task<CheckTransferEligibilityResponse> CheckTransferEligibility(CheckTransferEligibilityRequest request, ServerCallContext context)
    {
        if (request.VehicleCase == CheckTransferEligibilityRequest.VehicleOneofCase.MarkQrPayload)
        {
            return ResponseShaping.ForCaller(await TransferByMarkAsync(request.MarkQrPayload, context), context.RequireCaller());
        }

        var read = await ReadVehicleAsync(request.VehicleCase == CheckTransferEligibilityRequest.VehicleOneofCase.Plate ? request.Plate : null,
            request.VehicleCase == CheckTransferEligibilityRequest.VehicleOneofCase.Vin ? request.Vin : null, context.Audit(), context.CancellationToken);
        var now = time.GetUtcNow();
        var response = new CheckTransferEligibilityResponse
        {
            Vehicle = read.Entry.Vehicle,
            Violations = read.Entry.Violations,
            Freshness = FreshnessInfo.Create(read.Source, read.Entry.AsOfUnixMs, read.Stale, now, read.Bound),
        };
        response.Eligible = VehicleRules.EvaluateTransfer(read.Entry.Vehicle, read.Entry.Violations, Dates.ChinaToday(now), read.Stale, response.Blocks);
        if (context.Audit() is { } scope)
        {
            scope.Result = response.Eligible ? "ELIGIBLE" : "NOT_ELIGIBLE";
        }

        return ResponseShaping.ForCaller(response, context.RequireCaller());
    }

    private async Task<CacheRead<VehicleEntry>> ReadVehicleAsync(Plate? plate, string? vin, AuditScope? audit, CancellationToken cancellationToken)
    {
        var validator = new RequestValidator();
        if (plate is not null)
        {
            validator.Plate(plate, "plate");
        }
        else if (vin is not null)
        {
            validator.Vin(vin, "vin");
        }
        else
        {
            validator.Require(false, "vehicle", "set exactly one of plate or vin");
        }

        validator.ThrowIfInvalid();
        if (audit is not null)
        {
            (audit.Plate, audit.Vin) = (plate, vin);
        }

        var read = plate is not null
            ? await reader.GetVehicleByPlateAsync(plate, cancellationToken)
            : await reader.GetVehicleByVinAsync(vin!, cancellationToken);
        if (audit is not null)
        {
            audit.Source = read.Source;
        }

        if (read.Entry.IsNegative)
        {
            throw RpcErrors.NotFound("elicense.v1.Vehicle", plate is not null ? RegistryKeys.Plate(plate) : vin!, ErrorReasons.VehicleNotFound);
        }

        return read;
    }
}
