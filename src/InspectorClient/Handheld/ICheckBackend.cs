using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>The server calls the console makes. Failures are the gRPC client's RpcExceptions.</summary>
public interface ICheckBackend
{
    /// <summary>VerifyCredential.</summary>
    Task<VerifyCredentialResponse> VerifyAsync(string payload, string deviceId, CancellationToken cancellationToken);

    /// <summary>GetLicense.</summary>
    Task<GetLicenseResponse> GetLicenseAsync(string licenseNumber, LookupPurpose purpose, CancellationToken cancellationToken);

    /// <summary>CheckVehicle by plate.</summary>
    Task<CheckVehicleResponse> CheckVehicleAsync(Plate plate, CancellationToken cancellationToken);

    /// <summary>CheckTransferEligibility by plate.</summary>
    Task<CheckTransferEligibilityResponse> CheckTransferAsync(Plate plate, CancellationToken cancellationToken);

    /// <summary>ListViolations.</summary>
    Task<ListViolationsResponse> ListViolationsAsync(ListViolationsRequest request, CancellationToken cancellationToken);

    /// <summary>VerifyInspectionMark.</summary>
    Task<VerifyInspectionMarkResponse> VerifyMarkAsync(string payload, string deviceId, CancellationToken cancellationToken);

    /// <summary>CheckRoadside: the licence code and the vehicle (mark, plate or VIN) in one call.</summary>
    Task<CheckRoadsideResponse> CheckRoadsideAsync(CheckRoadsideRequest request, CancellationToken cancellationToken);

    /// <summary>ListIssuerKeys.</summary>
    Task<ListIssuerKeysResponse> ListIssuerKeysAsync(CancellationToken cancellationToken);
}
