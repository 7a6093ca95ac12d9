using ELicense.V1;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Handheld;

/// <summary>The calls over the command's session: retries and per-attempt deadlines included.</summary>
public sealed class RpcCheckBackend(RpcSession session) : ICheckBackend
{
    /// <inheritdoc />
    public Task<VerifyCredentialResponse> VerifyAsync(string payload, string deviceId, CancellationToken cancellationToken) =>
        session.VerifyAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = deviceId }, cancellationToken);

    /// <inheritdoc />
    public Task<GetLicenseResponse> GetLicenseAsync(string licenseNumber, LookupPurpose purpose, CancellationToken cancellationToken) =>
        session.CallAsync(o => session.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = licenseNumber, Purpose = purpose }, o), cancellationToken);

    /// <inheritdoc />
    public Task<CheckVehicleResponse> CheckVehicleAsync(Plate plate, CancellationToken cancellationToken) =>
        session.CallAsync(o => session.Verification.CheckVehicleAsync(new CheckVehicleRequest { Plate = plate }, o), cancellationToken);

    /// <inheritdoc />
    public Task<CheckTransferEligibilityResponse> CheckTransferAsync(Plate plate, CancellationToken cancellationToken) =>
        session.CallAsync(o => session.Verification.CheckTransferEligibilityAsync(new CheckTransferEligibilityRequest { Plate = plate }, o), cancellationToken);

    /// <inheritdoc />
    public Task<ListViolationsResponse> ListViolationsAsync(ListViolationsRequest request, CancellationToken cancellationToken) =>
        session.CallAsync(o => session.Verification.ListViolationsAsync(request, o), cancellationToken);

    /// <inheritdoc />
    public Task<ListIssuerKeysResponse> ListIssuerKeysAsync(CancellationToken cancellationToken) =>
        session.CallAsync(o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), cancellationToken);
}
