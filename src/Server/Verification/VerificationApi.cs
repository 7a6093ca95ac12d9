using ELicense.Server.Security;
using ELicense.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace ELicense.Server.Verification;

/// <summary>
/// The read side of the contract: who may call which method, and which job answers it — credential
/// checks, issuer keys, cached registry lookups, the violation list. The jobs know nothing of each other.
/// </summary>
public sealed class VerificationApi(
    CredentialChecks credentials,
    IssuerKeyListing issuerKeys,
    RegistryLookups lookups,
    ViolationListing violations,
    VehicleChecks vehicles,
    RoadsideChecks roadside) : VerificationService.VerificationServiceBase
{
    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task<VerifyCredentialResponse> VerifyCredential(VerifyCredentialRequest request, ServerCallContext context) =>
        credentials.VerifyCredential(request, context);

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task VerifyCredentials(IAsyncStreamReader<VerifyCredentialsRequest> requestStream,
        IServerStreamWriter<VerifyCredentialsResponse> responseStream, ServerCallContext context) =>
        credentials.VerifyCredentials(requestStream, responseStream, context);

    [Authorize(Roles = Roles.Officer)]
    public override Task<GetLicenseResponse> GetLicense(GetLicenseRequest request, ServerCallContext context) =>
        lookups.GetLicense(request, context);

    [Authorize(Roles = Roles.Officer)]
    public override Task<ListViolationsResponse> ListViolations(ListViolationsRequest request, ServerCallContext context) =>
        violations.ListViolations(request, context);

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task<CheckVehicleResponse> CheckVehicle(CheckVehicleRequest request, ServerCallContext context) =>
        lookups.CheckVehicle(request, context);

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task<CheckTransferEligibilityResponse> CheckTransferEligibility(CheckTransferEligibilityRequest request, ServerCallContext context) =>
        lookups.CheckTransferEligibility(request, context);

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task<ListIssuerKeysResponse> ListIssuerKeys(ListIssuerKeysRequest request, ServerCallContext context) =>
        Task.FromResult(issuerKeys.ListIssuerKeys());

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task<VerifyInspectionMarkResponse> VerifyInspectionMark(VerifyInspectionMarkRequest request, ServerCallContext context) =>
        vehicles.VerifyInspectionMark(request, context);

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task<CheckRoadsideResponse> CheckRoadside(CheckRoadsideRequest request, ServerCallContext context) =>
        roadside.CheckRoadside(request, context);
}
