using ELicense.V1;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Handheld;

/// <summary>The calls over the command's session: retries and per-attempt deadlines included.</summary>
public sealed class RpcCheckBackend(RpcSession session, TimeProvider? clock = null) : ICheckBackend
{
    private readonly TimeProvider _time = clock ?? TimeProvider.System;

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
    public Task<VerifyInspectionMarkResponse> VerifyMarkAsync(string payload, string deviceId, CancellationToken cancellationToken) =>
        session.CallAsync(o => session.Verification.VerifyInspectionMarkAsync(new VerifyInspectionMarkRequest { QrPayload = payload, DeviceId = deviceId }, o), cancellationToken);

    /// <summary>
    /// CheckRoadside with retries. Its licence part has the one-use rule of VerifyCredential, so a retry after a
    /// lost answer meets this call's own claim and comes back a repeat scan: reconciled as <see cref="RpcSession.VerifyAsync"/> does.
    /// </summary>
    public async Task<CheckRoadsideResponse> CheckRoadsideAsync(CheckRoadsideRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var attempts = 0;
        var response = await session.CallAsync(o =>
        {
            Interlocked.Increment(ref attempts);
            return session.Verification.CheckRoadsideAsync(request, o);
        }, cancellationToken);
        if (attempts > 1 && response.LicenseCheck is { } licence)
        {
            response.LicenseCheck = RetriedScan.Reconcile(licence, started, _time.GetUtcNow());
        }

        return response;
    }

    /// <inheritdoc />
    public Task<ListIssuerKeysResponse> ListIssuerKeysAsync(CancellationToken cancellationToken) =>
        session.CallAsync(o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), cancellationToken);
}
