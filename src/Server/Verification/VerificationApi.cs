using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.Server.Credentials;
using ELicense.Server.Internal;
using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using ELicense.Core;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;

namespace ELicense.Server.Verification;

/// <summary>The read side of the contract: credential checks and cached registry queries.</summary>
public sealed class VerificationApi(
    CredentialVerification verification,
    RegistryReader reader,
    IRegistryStore store,
    KeyRing keyRing,
    IOptions<CredentialOptions> credentialOptions,
    ResiliencePipelineProvider<string> pipelines,
    Auditor auditor,
    Observability.ServerMetrics metrics,
    TimeProvider time) : VerificationService.VerificationServiceBase
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override async Task<VerifyCredentialResponse> VerifyCredential(VerifyCredentialRequest request, ServerCallContext context)
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

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override async Task VerifyCredentials(IAsyncStreamReader<VerifyCredentialsRequest> requestStream,
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

    [Authorize(Roles = Roles.Officer)]
    public override async Task<GetLicenseResponse> GetLicense(GetLicenseRequest request, ServerCallContext context)
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

    [Authorize(Roles = Roles.Officer)]
    public override async Task<ListViolationsResponse> ListViolations(ListViolationsRequest request, ServerCallContext context)
    {
        var validator = new RequestValidator();
        switch (request.SubjectCase)
        {
            case ListViolationsRequest.SubjectOneofCase.LicenseNumber:
                validator.LicenseNumber(request.LicenseNumber, "license_number").Purpose(request.Purpose, "purpose");
                break;
            case ListViolationsRequest.SubjectOneofCase.Plate:
                validator.Plate(request.Plate, "plate");
                break;
            default:
                validator.Require(false, "subject", "set exactly one of license_number or plate");
                break;
        }

        validator.Require(request.PageSize >= 0, "page_size", $"must not be negative (0 means {DefaultPageSize}; above {MaxPageSize} means {MaxPageSize})");
        validator.Require(request.PageToken.Length <= 256, "page_token", "is not a token this service issued");
        validator.ThrowIfInvalid();

        var query = new ViolationQuery(
            request.SubjectCase == ListViolationsRequest.SubjectOneofCase.LicenseNumber ? request.LicenseNumber : null,
            request.SubjectCase == ListViolationsRequest.SubjectOneofCase.Plate ? request.Plate : null,
            request.UnprocessedOnly);
        if (context.Audit() is { } scope)
        {
            (scope.LicenseNumber, scope.Plate, scope.Purpose, scope.Source) = (query.LicenseNumber, query.Plate, request.Purpose, DataSource.Registry);
        }

        var queryHash = QueryHash(query);
        var after = DecodePageToken(request.PageToken, queryHash);
        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);

        ViolationPage page;
        try
        {
            page = await pipelines.GetPipeline(ResilienceExtensions.Registry).ExecuteAsync(
                static (s, ct) => new ValueTask<ViolationPage>(s.store.ListViolationsAsync(s.query, s.after, s.pageSize, ct)),
                (store, query, after, pageSize), context.CancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not RpcException)
        {
            throw new RegistryUnavailableException(e);
        }

        var response = new ListViolationsResponse
        {
            Summary = page.Summary,
            Freshness = FreshnessInfo.Create(DataSource.Registry, time.GetUtcNow().ToUnixTimeMilliseconds(), stale: false, time.GetUtcNow(), FreshnessBound.JustRead),
            NextPageToken = page.Next is { } next ? EncodePageToken(queryHash, next) : "",
        };
        response.Violations.AddRange(page.Violations);
        return response;
    }

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override async Task<CheckVehicleResponse> CheckVehicle(CheckVehicleRequest request, ServerCallContext context)
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

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override async Task<CheckTransferEligibilityResponse> CheckTransferEligibility(CheckTransferEligibilityRequest request, ServerCallContext context)
    {
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

    [Authorize(Roles = Roles.OfficerOrTransfer)]
    public override Task<ListIssuerKeysResponse> ListIssuerKeys(ListIssuerKeysRequest request, ServerCallContext context)
    {
        var response = new ListIssuerKeysResponse
        {
            Issuer = credentialOptions.Value.Issuer,
            MaxClockSkewSeconds = (int)credentialOptions.Value.MaxClockSkew.TotalSeconds,
        };
        foreach (var key in keyRing.Keys)
        {
            response.Keys.Add(new V1.IssuerKey
            {
                KeyId = key.KeyIdHex,
                Algorithm = "ES256",
                PublicKeySpki = ByteString.CopyFrom(key.SubjectPublicKeyInfo),
                NotBeforeTime = key.NotBefore is { } nb ? Timestamp.FromDateTimeOffset(nb) : null,
                NotAfterTime = key.NotAfter is { } na ? Timestamp.FromDateTimeOffset(na) : null,
                Signing = ReferenceEquals(key, keyRing.SigningKey),
            });
        }

        return Task.FromResult(response);
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

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static ulong QueryHash(ViolationQuery query)
    {
        var text = $"{query.LicenseNumber}|{(query.Plate is null ? "" : RegistryKeys.Plate(query.Plate))}|{query.UnprocessedOnly}";
        return BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
    }

    private static string EncodePageToken(ulong queryHash, ViolationCursor cursor) =>
        Base64Url.EncodeToString(new ViolationPageToken
        {
            QueryHash = queryHash,
            LastOccurUnixMs = cursor.OccurUnixMs,
            LastRowId = cursor.RowId,
        }.ToByteArray());

    private static ViolationCursor? DecodePageToken(string token, ulong queryHash)
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            var decoded = ViolationPageToken.Parser.ParseFrom(Base64Url.DecodeFromChars(token));
            if (decoded.QueryHash == queryHash)
            {
                return new ViolationCursor(decoded.LastOccurUnixMs, decoded.LastRowId);
            }
        }
        catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
        {
            // fall through to the error below
        }

        throw RpcErrors.InvalidArgument("page_token", "is not a token this service issued for this query (subject and filter must not change between pages)");
    }

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
