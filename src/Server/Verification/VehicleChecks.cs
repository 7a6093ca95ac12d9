using ELicense.Server.Auditing;
using ELicense.Server.Observability;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ELicense.Server.Verification;

/// <summary>
/// The inspection-mark RPC of the read side: one scanned mark, its verdict counted, audited with the plate the
/// mark names (a mark that did not verify names nobody), and only then shaped for the caller.
/// </summary>
public sealed class VehicleChecks(VehicleVerification verification, ServerMetrics metrics, TimeProvider time)
{
    public async Task<VerifyInspectionMarkResponse> VerifyInspectionMark(VerifyInspectionMarkRequest request, ServerCallContext context)
    {
        new RequestValidator().ClientId(request.DeviceId, "device_id", required: true).ThrowIfInvalid();
        var now = time.GetUtcNow();
        var check = await verification.VerifyMarkAsync(request.QrPayload, context.CancellationToken);
        metrics.RecordVehicleVerdict(check, "mark");
        if (context.Audit() is { } scope)
        {
            scope.DeviceId = request.DeviceId;
            scope.Result = check.Verdict.ToString();
            Auditor.DescribeVehicle(scope, check);
        }

        return ResponseShaping.ForCaller(new VerifyInspectionMarkResponse { VehicleCheck = check, VerifyTime = Timestamp.FromDateTimeOffset(now) },
            context.RequireCaller());
    }
}
