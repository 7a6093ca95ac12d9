using ELicense.Server.Auditing;
using ELicense.Server.Internal;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace ELicense.Server.Holder;

/// <summary>
/// The holder's view of the audit trail: who checked their licence, when, and why. A holder sees its
/// own licence only; callers appear by their configured id, devices by the id they sent.
/// </summary>
public sealed class HolderApi(IAuditLog log, AuditSubjects subjects) : HolderService.HolderServiceBase
{
    [Authorize(Roles = Roles.Holder)]
    public override async Task<ListLicenseChecksResponse> ListLicenseChecks(ListLicenseChecksRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .LicenseNumber(request.LicenseNumber, "license_number")
            .Page(request.PageSize, request.PageToken, maxTokenLength: 64)
            .ThrowIfInvalid();
        var caller = context.RequireCaller();
        if (!string.Equals(caller.LicenseNumber, request.LicenseNumber, StringComparison.Ordinal))
        {
            throw RpcErrors.PermissionDenied(ErrorReasons.NotOwnLicense, "A holder may see the checks of its own licence only.");
        }

        var subject = subjects.License(request.LicenseNumber);
        // Audit sequences start at 1: a token naming 0 or less was never issued.
        var before = Paging.Decode(request.PageToken, AuditPageToken.Parser, static t => t.BeforeSequence > 0, "is not a token this service issued")?.BeforeSequence;
        var pageSize = Paging.SizeOf(request.PageSize);
        var entries = await log.ListBySubjectAsync(subject, before, pageSize + 1, context.CancellationToken);

        var response = new ListLicenseChecksResponse();
        foreach (var entry in entries.Take(pageSize))
        {
            var record = entry.Record;
            response.Checks.Add(new LicenseCheck
            {
                CheckTime = Timestamp.FromDateTimeOffset(record.Time),
                CallerId = record.CallerId,
                DeviceId = record.DeviceId,
                Method = record.Method,
                Purpose = record.Purpose,
                Result = record.Result,
                Attempts = (uint)record.Count,
            });
        }

        if (entries.Count > pageSize)
        {
            response.NextPageToken = Paging.Encode(new AuditPageToken { BeforeSequence = entries[pageSize - 1].Sequence });
        }

        return response;
    }
}
