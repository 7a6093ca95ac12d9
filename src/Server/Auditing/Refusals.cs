using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Auditing;

/// <summary>
/// What the refusal hooks (authorisation, rate limits, malformed requests) call: names the caller — the
/// configured one, or the keyed hash of the peer for a stranger — the method and the subject, and hands
/// the refusal to the <see cref="RefusalAggregator"/>. Never blocks the refused call.
/// </summary>
public sealed class Refusals(RefusalAggregator aggregator, AuditSubjects subjects)
{
    /// <summary>The method of a call that reached no gRPC method (an unknown path); the path itself is the caller's text.</summary>
    public const string UnknownMethod = "(unknown method)";

    /// <param name="subject">A keyed subject (see <see cref="SubjectOf"/>), or "".</param>
    /// <param name="detail">For malformed requests: what was wrong, for the log line.</param>
    public void Record(HttpContext http, StatusCode result, string subject = "", string? detail = null)
    {
        // The caller as authentication named it: the authenticated principal's name is the configured
        // caller's id (read as a plain value, so that auditing needs no type of the security layer).
        var callerId = http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } id }
            ? id
            : subjects.Anonymous(http.Connection.RemoteIpAddress);
        // The method by the endpoint it reached, never by the request path: a path is text the caller chose.
        var method = http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Name ?? UnknownMethod;
        aggregator.Record(callerId, method, subject, result.ToString(), detail);
    }

    /// <summary>
    /// The subject a refused request names, so that its holder sees it: the keyed hash of a well-formed
    /// <c>license_number</c>, <c>plate</c> or <c>vin</c> field; "" when there is none. Only well-formed
    /// values count: what a caller typed is otherwise not a licence anyone holds.
    /// </summary>
    public string SubjectOf(object? request)
    {
        if (request is not IMessage message)
        {
            return "";
        }

        var descriptor = message.Descriptor;
        if (descriptor.FindFieldByName("license_number") is { FieldType: FieldType.String } number
            && number.Accessor.GetValue(message) is string licence && IdentityNumber.IsValid(licence))
        {
            return subjects.License(licence);
        }

        if (descriptor.FindFieldByName("plate") is { FieldType: FieldType.Message } plateField
            && plateField.Accessor.GetValue(message) is Plate plate && PlateNumber.IsValid(plate.Number, plate.Type))
        {
            return subjects.Plate(plate);
        }

        return descriptor.FindFieldByName("vin") is { FieldType: FieldType.String } vinField
            && vinField.Accessor.GetValue(message) is string vin && Vin.IsValid(vin)
            ? subjects.Vin(vin)
            : "";
    }
}
