using ELicense.Server.Auditing;
using ELicense.Server.Observability;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Server.Verification;

/// <summary>
/// The credential RPCs of the read side: one scanned code, or a stream of them. Each verdict is counted,
/// audited with the full subject, and only then shaped for the caller.
/// </summary>
public sealed class CredentialChecks(CredentialVerification verification, Auditor auditor, ServerMetrics metrics)
{
    public async Task<VerifyCredentialResponse> VerifyCredential(VerifyCredentialRequest request, ServerCallContext context)
    {
        new RequestValidator().ClientId(request.DeviceId, "device_id", required: true).ThrowIfInvalid();
        var response = await verification.VerifyAsync(request.QrPayload, request.DeviceId, context.CancellationToken);
        metrics.RecordVerdict(response);
        if (context.Audit() is { } scope)
        {
            scope.DeviceId = request.DeviceId;
            Auditor.Describe(scope, response); // before shaping: the audit subject needs the full number
        }

        return ResponseShaping.ForCaller(response, context.RequireCaller());
    }

    public async Task VerifyCredentials(IAsyncStreamReader<VerifyCredentialsRequest> requestStream,
        IServerStreamWriter<VerifyCredentialsResponse> responseStream, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var scope = new AuditScope { DeviceId = request.DeviceId };
            VerifyCredentialResponse result;
            try
            {
                // A bad id is the caller's bug, not a scanned code's: it ends the stream, naming the request.
                new RequestValidator()
                    .ClientId(request.DeviceId, $"device_id (request_id \"{Truncate(request.RequestId)}\")", required: true)
                    .ClientId(request.RequestId, "request_id", required: false)
                    .ThrowIfInvalid();
                result = await verification.VerifyAsync(request.QrPayload, request.DeviceId, context.CancellationToken);
            }
            catch (Exception e)
            {
                // A message that ends the stream is audited like a failed unary call.
                scope.DeviceId = "";
                scope.Result = e is RpcException rpc ? rpc.StatusCode.ToString() : nameof(StatusCode.Internal);
                await auditor.RecordAsync(caller.Id, nameof(VerifyCredentials), scope, context.CancellationToken);
                throw;
            }

            metrics.RecordVerdict(result);
            Auditor.Describe(scope, result);
            await auditor.RecordAsync(caller.Id, nameof(VerifyCredentials), scope, context.CancellationToken);
            await responseStream.WriteAsync(ToStreamResponse(ResponseShaping.ForCaller(result, caller), request.RequestId), context.CancellationToken);
        }
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static VerifyCredentialsResponse ToStreamResponse(VerifyCredentialResponse r, string requestId)
    {
        var response = new VerifyCredentialsResponse
        {
            RequestId = requestId,
            Verdict = r.Verdict,
            Message = r.Message,
            License = r.License,
            Violations = r.Violations,
            Freshness = r.Freshness,
            Credential = r.Credential,
            RepeatScan = r.RepeatScan,
            FirstScanTime = r.FirstScanTime,
            ReplayCheck = r.ReplayCheck,
            VerifyTime = r.VerifyTime,
            WithheldFields = r.WithheldFields,
            MaskedFields = r.MaskedFields,
        };
        response.NotValidReasons.AddRange(r.NotValidReasons);
        return response;
    }
}
