using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.Server.Credentials;
using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;

namespace ELicense.Server.RegistryApi;

/// <summary>
/// The write side. Every write goes to the registry first, then invalidates: this replica's memory,
/// Redis, and every other replica through pub/sub (the change feed backs pub/sub up).
/// </summary>
public sealed class RegistryApi(
    IRegistryStore store,
    CacheInvalidator invalidator,
    RegistryReader reader,
    CredentialIssuer issuer,
    MarkIssuer markIssuer,
    IOptions<CredentialOptions> credentialOptions,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    VehicleTypeCatalog vehicleTypes) : RegistryService.RegistryServiceBase
{
    private readonly ResiliencePipeline _registry = pipelines.GetPipeline(ResilienceExtensions.Registry);

    [Authorize(Roles = Roles.Registry)]
    public override async Task<UpsertLicenseResponse> UpsertLicense(UpsertLicenseRequest request, ServerCallContext context)
    {
        WriteRules.ValidateLicense(request.License);
        var result = await WriteAsync(static async (s, ct) => await s.store.UpsertLicenseAsync(s.License, ct), (store, request.License), context);
        return new UpsertLicenseResponse { License = result!.Value };
    }

    [Authorize(Roles = Roles.Registry)]
    public override async Task<UpdateLicenseStatusResponse> UpdateLicenseStatus(UpdateLicenseStatusRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .LicenseNumber(request.LicenseNumber, "license_number")
            .Require(WriteRules.IsDefined(request.Status), "status", "must be a LicenseStatus other than LICENSE_STATUS_UNSPECIFIED")
            .ThrowIfInvalid();
        var result = await WriteAsync(static (s, ct) => s.store.UpdateLicenseStatusAsync(s.LicenseNumber, s.Status, ct),
            (store, request.LicenseNumber, request.Status), context)
            ?? throw RpcErrors.NotFound("elicense.v1.License", IdentityNumber.Mask(request.LicenseNumber), ErrorReasons.LicenseNotFound);
        return new UpdateLicenseStatusResponse { License = result.Value };
    }

    [Authorize(Roles = Roles.Registry)]
    public override async Task<RecordViolationResponse> RecordViolation(RecordViolationRequest request, ServerCallContext context)
    {
        WriteRules.ValidateViolation(request.Violation, request.RequestId, time.GetUtcNow());
        var result = await WriteAsync(static async (s, ct) => await s.store.RecordViolationAsync(s.Violation, s.RequestId, ct),
            (store, request.Violation, request.RequestId), context);
        return new RecordViolationResponse { Violation = result!.Value };
    }

    [Authorize(Roles = Roles.Registry)]
    public override async Task<ResolveViolationResponse> ResolveViolation(ResolveViolationRequest request, ServerCallContext context)
    {
        var validator = new RequestValidator()
            .Require(request.ViolationId.Length is > 0 and <= Fields.MaxIdLength, "violation_id", $"is required, at most {Fields.MaxIdLength} characters")
            .Require(request.State is ViolationState.Processed or ViolationState.Paid, "state", "must be VIOLATION_STATE_PROCESSED or VIOLATION_STATE_PAID");
        if (request.LicenseNumber.Length > 0)
        {
            validator.LicenseNumber(request.LicenseNumber, "license_number");
        }

        validator.ThrowIfInvalid();
        var result = await WriteAsync(static (s, ct) => s.store.ResolveViolationAsync(s.ViolationId, s.State, s.LicenseNumber, ct),
            (store, request.ViolationId, request.State, request.LicenseNumber), context)
            ?? throw RpcErrors.NotFound("elicense.v1.Violation", request.ViolationId, ErrorReasons.ViolationNotFound);
        return new ResolveViolationResponse { Violation = result.Value.Violation, License = result.Value.License };
    }

    [Authorize(Roles = Roles.Registry)]
    public override async Task<UpsertVehicleResponse> UpsertVehicle(UpsertVehicleRequest request, ServerCallContext context)
    {
        WriteRules.ValidateVehicle(request.Vehicle, vehicleTypes);
        var result = await WriteAsync(static async (s, ct) => await s.store.UpsertVehicleAsync(s.Vehicle, ct), (store, request.Vehicle), context);
        return new UpsertVehicleResponse { Vehicle = result!.Value };
    }

    [Authorize(Roles = Roles.RegistryOrHolder)]
    public override async Task<IssueCredentialResponse> IssueCredential(IssueCredentialRequest request, ServerCallContext context)
    {

        var maxLifetime = credentialOptions.Value.MaxLifetime;
        var lifetime = request.Lifetime?.ToTimeSpan();
        new RequestValidator()
            .LicenseNumber(request.LicenseNumber, "license_number")
            .Require(lifetime is null || (lifetime > TimeSpan.Zero && lifetime <= maxLifetime), "lifetime",
                $"must be positive and at most {maxLifetime.TotalSeconds:0} seconds, or unset for the default")
            .ThrowIfInvalid();
        var caller = context.RequireCaller();
        if (!caller.IsIn(Roles.Registry) && !string.Equals(caller.LicenseNumber, request.LicenseNumber, StringComparison.Ordinal))
        {
            throw RpcErrors.PermissionDenied(ErrorReasons.NotOwnLicense, "A holder may issue credentials for its own licence only.");
        }

        if (context.Audit() is { } scope)
        {
            scope.LicenseNumber = request.LicenseNumber;
        }

        var read = await reader.GetLicenseAsync(request.LicenseNumber, context.CancellationToken);
        if (read.Entry.IsNegative)
        {
            throw RpcErrors.NotFound("elicense.v1.License", IdentityNumber.Mask(request.LicenseNumber), ErrorReasons.LicenseNotFound);
        }

        if (context.Audit() is { } issuedScope)
        {
            issuedScope.Source = read.Source;
        }

        var issued = issuer.Issue(read.Entry.License, lifetime);
        return new IssueCredentialResponse
        {
            QrPayload = issued.QrPayload,
            IssueTime = Timestamp.FromDateTimeOffset(issued.IssuedAt),
            ExpireTime = Timestamp.FromDateTimeOffset(issued.ExpiresAt),
            TokenId = issued.TokenIdHex,
            KeyId = issued.KeyIdHex,
        };
    }

    // Registry only: a holder caller is bound to a licence number, but vehicle records name their owner, not
    // the owner's licence, so nothing here could prove that the holder owns the vehicle it asks a mark for.
    [Authorize(Roles = Roles.Registry)]
    public override async Task<IssueInspectionMarkResponse> IssueInspectionMark(IssueInspectionMarkRequest request, ServerCallContext context)
    {
        var plate = request.VehicleCase == IssueInspectionMarkRequest.VehicleOneofCase.Plate ? request.Plate : null;
        var vin = request.VehicleCase == IssueInspectionMarkRequest.VehicleOneofCase.Vin ? request.Vin : null;
        new RequestValidator().Vehicle(plate, vin).ThrowIfInvalid();
        var scope = context.Audit();
        if (scope is not null)
        {
            (scope.Plate, scope.Vin) = (plate, vin);
        }

        var read = plate is not null
            ? await reader.GetVehicleByPlateAsync(plate, context.CancellationToken)
            : await reader.GetVehicleByVinAsync(vin!, context.CancellationToken);
        if (scope is not null)
        {
            scope.Source = read.Source;
        }

        var name = plate is not null ? RegistryKeys.Plate(plate) : vin!;
        if (read.Entry.IsNegative)
        {
            throw RpcErrors.NotFound("elicense.v1.Vehicle", name, ErrorReasons.VehicleNotFound);
        }

        if (read.Stale)
        {
            // A mark lives for years and is checked offline on its signed data alone: never signed from a copy
            // that may miss a revoked or shortened inspection.
            throw RpcErrors.Unavailable(ErrorReasons.RegistryUnavailable, "The registry is unreachable; a mark is never issued from a stale copy. Retry shortly.");
        }

        var vehicle = read.Entry.Vehicle;
        switch (markIssuer.Check(vehicle, time.GetUtcNow()))
        {
            case MarkRefusal.InspectionNotValidToday:
                throw RpcErrors.FailedPrecondition(ErrorReasons.InspectionNotValid,
                    "The vehicle's inspection is not valid today (China time): no mark can be issued until it passes inspection.", "INSPECTION", name);
            case MarkRefusal.ValidityBeyondMarkLifetime:
                throw RpcErrors.FailedPrecondition(ErrorReasons.InspectionNotValid,
                    $"The vehicle's inspection validity runs further ahead than the longest mark verifiers accept ({credentialOptions.Value.MarkMaxLifetime.TotalDays:0} days, Credentials:MarkMaxLifetime).",
                    "INSPECTION", name);
            case MarkRefusal.VehicleNotNormal:
                throw RpcErrors.FailedPrecondition(ErrorReasons.VehicleNotNormal,
                    "The vehicle is stolen, seized, cancelled or transferred out: no mark is issued (a mark is trusted offline on its signed data).",
                    "STATUS", name);
        }

        var issued = markIssuer.Issue(vehicle);
        return new IssueInspectionMarkResponse
        {
            QrPayload = issued.QrPayload,
            MarkNumber = issued.MarkNumber,
            IssueTime = Timestamp.FromDateTimeOffset(issued.IssuedAt),
            ExpireTime = Timestamp.FromDateTimeOffset(issued.ExpiresAt),
            TokenId = issued.TokenIdHex,
            KeyId = issued.KeyIdHex,
        };
    }

    /// <summary>Runs a registry write through the retry pipeline, then invalidates what it changed.</summary>
    private async Task<WriteResult<T>?> WriteAsync<T, TState>(Func<TState, CancellationToken, Task<WriteResult<T>?>> write, TState state, ServerCallContext context)
    {
        WriteResult<T>? result;
        try
        {
            result = await _registry.ExecuteAsync(static async (s, ct) => await s.write(s.state, ct), (write, state), context.CancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or RpcException or RegistryRuleException))
        {
            throw new RegistryUnavailableException(e);
        }

        if (result is not null)
        {
            await invalidator.InvalidateAsync(result.Changes, publish: true);
        }

        return result;
    }
}
