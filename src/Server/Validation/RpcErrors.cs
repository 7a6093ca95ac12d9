using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using static Google.Rpc.BadRequest.Types;

namespace ELicense.Server.Validation;

/// <summary>
/// Builds rich gRPC errors (a <c>google.rpc.Status</c> in the <c>grpc-status-details-bin</c> trailer) so
/// that clients get a machine-readable reason and per-field violations, never a stack trace.
/// </summary>
public static class RpcErrors
{
    /// <summary>The <c>ErrorInfo.domain</c> of every error this service raises.</summary>
    public const string Domain = "elicense.v1";

    public static RpcException InvalidArgument(IReadOnlyList<FieldViolation> violations)
    {
        var message = violations.Count == 1
            ? $"Invalid {violations[0].Field}: {violations[0].Description}"
            : $"{violations.Count} invalid fields: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations);
        return Build(Code.InvalidArgument, message, ErrorReasons.InvalidArgument, badRequest);
    }

    public static RpcException InvalidArgument(string field, string description) =>
        InvalidArgument([new FieldViolation { Field = field, Description = description }]);

    /// <summary>
    /// Bytes that are not a <paramref name="messageType"/>: INVALID_ARGUMENT, reason MALFORMED_REQUEST, and a
    /// BadRequest naming the string field that is not UTF-8 when it is known.
    /// </summary>
    public static RpcException MalformedRequest(string messageType, string? field)
    {
        if (field is null)
        {
            return Build(Code.InvalidArgument, $"The request is not a valid {messageType} message (protobuf wire format).", ErrorReasons.MalformedRequest);
        }

        var violation = new FieldViolation { Field = field, Description = "is not valid UTF-8 (protobuf strings must be)" };
        return Build(Code.InvalidArgument, $"Invalid {field}: {violation.Description}", ErrorReasons.MalformedRequest,
            new BadRequest { FieldViolations = { violation } });
    }

    /// <param name="resourceType">e.g. "elicense.v1.License".</param>
    /// <param name="resourceName">A name safe to show and log: identity numbers must come masked.</param>
    public static RpcException NotFound(string resourceType, string resourceName, string reason) =>
        Build(Code.NotFound, $"{resourceType} {resourceName} not found.", reason,
            new ResourceInfo { ResourceType = resourceType, ResourceName = resourceName });

    public static RpcException PermissionDenied(string reason, string message) =>
        Build(Code.PermissionDenied, message, reason);

    public static RpcException FailedPrecondition(string reason, string message) =>
        Build(Code.FailedPrecondition, message, reason);

    /// <summary>
    /// FAILED_PRECONDITION with a <c>PreconditionFailure</c> naming what is not met: <paramref name="type"/> (e.g.
    /// "INSPECTION"), <paramref name="subject"/> (a name safe to show and log) and why.
    /// </summary>
    public static RpcException FailedPrecondition(string reason, string message, string type, string subject) =>
        Build(Code.FailedPrecondition, message, reason, new PreconditionFailure
        {
            Violations = { new PreconditionFailure.Types.Violation { Type = type, Subject = subject, Description = message } },
        });

    public static RpcException ResourceExhausted(string reason, string message, TimeSpan retryAfter) =>
        Build(Code.ResourceExhausted, message, reason, new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) });

    public static RpcException Unavailable(string reason, string message) =>
        Build(Code.Unavailable, message, reason, new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });

    private static RpcException Build(Code code, string message, string reason, params Google.Protobuf.IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = reason, Domain = Domain }));
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status.ToRpcException();
    }
}

/// <summary>The <c>ErrorInfo.reason</c> values clients can branch on.</summary>
public static class ErrorReasons
{
    public const string InvalidArgument = "INVALID_ARGUMENT";
    public const string MalformedRequest = "MALFORMED_REQUEST";
    public const string LicenseNotFound = "LICENSE_NOT_FOUND";
    public const string VehicleNotFound = "VEHICLE_NOT_FOUND";
    public const string InspectionNotValid = "INSPECTION_NOT_VALID";
    public const string VehicleNotNormal = "VEHICLE_NOT_NORMAL";
    public const string ViolationNotFound = "VIOLATION_NOT_FOUND";
    public const string ViolationAlreadyResolved = "VIOLATION_ALREADY_RESOLVED";
    public const string RegistryUnavailable = "REGISTRY_UNAVAILABLE";
    public const string AuditUnavailable = "AUDIT_UNAVAILABLE";
    public const string InvalidPageToken = "INVALID_PAGE_TOKEN";
    public const string NotOwnLicense = "NOT_OWN_LICENSE";
    public const string TooManyWatches = "TOO_MANY_WATCHES";
    public const string ReplicaStopping = "REPLICA_STOPPING";
}

/// <summary>
/// Collects field violations of one request, so that a client learns about every bad field at once.
/// </summary>
public sealed class RequestValidator
{
    private List<FieldViolation>? _violations;

    public bool IsValid => _violations is null;

    /// <summary>Records a violation of <paramref name="field"/> unless <paramref name="ok"/>.</summary>
    public RequestValidator Require(bool ok, string field, string description)
    {
        if (!ok)
        {
            (_violations ??= []).Add(new FieldViolation { Field = field, Description = description });
        }

        return this;
    }

    public void ThrowIfInvalid()
    {
        if (_violations is not null)
        {
            throw RpcErrors.InvalidArgument(_violations);
        }
    }
}
