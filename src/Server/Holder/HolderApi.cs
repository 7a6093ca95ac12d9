using System.Buffers.Binary;
using System.Buffers.Text;
using ELicense.Server.Auditing;
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
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    [Authorize(Roles = Roles.Holder)]
    public override async Task<ListLicenseChecksResponse> ListLicenseChecks(ListLicenseChecksRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .LicenseNumber(request.LicenseNumber, "license_number")
            .Require(request.PageSize >= 0, "page_size", $"must not be negative (0 means {DefaultPageSize}; above {MaxPageSize} means {MaxPageSize})")
            .Require(request.PageToken.Length <= 64, "page_token", "is not a token this service issued")
            .ThrowIfInvalid();
        var caller = context.RequireCaller();
        if (!string.Equals(caller.LicenseNumber, request.LicenseNumber, StringComparison.Ordinal))
        {
            throw RpcErrors.PermissionDenied(ErrorReasons.NotOwnLicense, "A holder may see the checks of its own licence only.");
        }

        var subject = subjects.License(request.LicenseNumber);
        var before = DecodePageToken(request.PageToken);
        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
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
            response.NextPageToken = EncodePageToken(entries[pageSize - 1].Sequence);
        }

        return response;
    }

    private static string EncodePageToken(long beforeSequence)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, beforeSequence);
        return Base64Url.EncodeToString(bytes);
    }

    private static long? DecodePageToken(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (Base64Url.TryDecodeFromChars(token, bytes, out var written) && written == 8)
        {
            return BinaryPrimitives.ReadInt64BigEndian(bytes);
        }

        throw RpcErrors.InvalidArgument("page_token", "is not a token this service issued");
    }
}
