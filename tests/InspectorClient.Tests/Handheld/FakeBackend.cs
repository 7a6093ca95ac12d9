using ELicense.Inspector.Handheld;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>A server that answers from scripts, or cannot be reached at all.</summary>
internal sealed class FakeBackend : ICheckBackend
{
    public bool Reachable { get; set; } = true;

    public Func<string, VerifyCredentialResponse> Verify { get; set; } = _ => Samples.Verify(Verdict.Valid);

    public Func<string, GetLicenseResponse> License { get; set; } = _ => new GetLicenseResponse { License = Samples.License(), ValidNow = true, Freshness = Samples.Fresh() };

    public ListIssuerKeysResponse Keys { get; set; } = new() { Issuer = "ELicense", MaxClockSkewSeconds = 30, DocumentPolicies = { Offline.TestIssuer.PublishedPolicy(), Offline.TestIssuer.PublishedMarkPolicy() } };

    public Func<string, VehicleCheck> Mark { get; set; } = _ => new VehicleCheck { Verdict = VehicleVerdict.Valid, Vehicle = Samples.Car(), Freshness = Samples.Fresh(), Mark = Samples.MarkInfo() };

    public Func<CheckRoadsideRequest, CheckRoadsideResponse> Roadside { get; set; } = request => Samples.Roadside();

    public List<CheckRoadsideRequest> RoadsideRequests { get; } = [];

    public Task<VerifyInspectionMarkResponse> VerifyMarkAsync(string payload, string deviceId, CancellationToken cancellationToken) =>
        Answer("mark", () => new VerifyInspectionMarkResponse { VehicleCheck = Mark(payload) });

    public Task<CheckRoadsideResponse> CheckRoadsideAsync(CheckRoadsideRequest request, CancellationToken cancellationToken) =>
        Answer($"roadside {request.VehicleCase}", () =>
        {
            RoadsideRequests.Add(request);
            return Roadside(request);
        });

    public List<string> Calls { get; } = [];

    public Task<VerifyCredentialResponse> VerifyAsync(string payload, string deviceId, CancellationToken cancellationToken) => Answer("verify", () => Verify(payload));

    public Task<GetLicenseResponse> GetLicenseAsync(string licenseNumber, LookupPurpose purpose, CancellationToken cancellationToken) =>
        Answer($"license {purpose}", () => License(licenseNumber));

    public Func<Plate, CheckVehicleResponse> Vehicle { get; set; } = plate => new CheckVehicleResponse
    {
        Vehicle = new Vehicle { Plate = plate, Model = "比亚迪 秦PLUS" },
        StatusNormal = true,
        InspectionValid = true,
        InsuranceValid = true,
        Freshness = Samples.Fresh(),
    };

    public Func<Plate, CheckTransferEligibilityResponse> Transfer { get; set; } =
        plate => new CheckTransferEligibilityResponse { Eligible = true, Vehicle = new Vehicle { Plate = plate } };

    public Task<CheckVehicleResponse> CheckVehicleAsync(Plate plate, CancellationToken cancellationToken) =>
        Answer($"vehicle {plate.Number}", () => Vehicle(plate));

    public Task<CheckTransferEligibilityResponse> CheckTransferAsync(Plate plate, CancellationToken cancellationToken) =>
        Answer($"transfer {plate.Number}", () => Transfer(plate));

    public Task<ListViolationsResponse> ListViolationsAsync(ListViolationsRequest request, CancellationToken cancellationToken) =>
        Answer($"violations {request.SubjectCase} {request.Purpose}", () => new ListViolationsResponse { Summary = new ViolationSummary() });

    public Task<ListIssuerKeysResponse> ListIssuerKeysAsync(CancellationToken cancellationToken) => Answer("keys", () => Keys);

    private Task<T> Answer<T>(string call, Func<T> answer)
    {
        Calls.Add(call);
        // What Grpc.Net.Client throws when the connection is refused: UNAVAILABLE with the socket error behind it.
        return Reachable
            ? Task.FromResult(answer())
            : Task.FromException<T>(new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.", new HttpRequestException("Connection refused"))));
    }
}
