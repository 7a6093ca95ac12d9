using ELicense.Server.Security;
using ELicense.V1;

namespace ELicense.Server.Auditing;

/// <summary>Turns an audit scope into a record with keyed subjects and appends it durably.</summary>
public sealed class Auditor(IAuditLog log, AuditSubjects subjects, TimeProvider time)
{
    public ValueTask RecordAsync(Caller caller, string method, AuditScope scope)
    {
        var subject = scope.LicenseNumber is { Length: > 0 } number ? subjects.License(number)
            : scope.Plate is { } plate ? subjects.Plate(plate)
            : scope.Vin is { Length: > 0 } vin ? subjects.Vin(vin)
            : "";
        // Not the caller's token: once the answer is decided its record must be written, and the
        // answer is not sent before it is.
        return log.AppendAsync(new AuditRecord(time.GetUtcNow(), caller.Id, scope.DeviceId, method, subject,
            scope.Purpose, scope.Result, scope.Source), CancellationToken.None);
    }

    /// <summary>Fills a scope from a verification's full (unshaped) answer.</summary>
    public static void Describe(AuditScope scope, VerifyCredentialResponse response)
    {
        scope.LicenseNumber = response.Credential?.Snapshot?.LicenseNumber;
        scope.Result = response.Verdict.ToString();
        scope.Source = response.Freshness?.Source ?? DataSource.Unspecified;
    }
}
