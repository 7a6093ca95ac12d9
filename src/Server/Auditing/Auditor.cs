using ELicense.V1;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Auditing;

/// <summary>Turns an audit scope into a record with keyed subjects and appends it durably.</summary>
public sealed class Auditor(IAuditLog log, AuditSubjects subjects, TimeProvider time)
{
    /// <param name="callerId">The authenticated caller's id (the record names callers by id only).</param>
    /// <param name="cancellationToken">
    /// The call's token: cancelling only stops the wait (a deadline passed, so no answer will be sent);
    /// a record already queued is still written.
    /// </param>
    public ValueTask RecordAsync(string callerId, string method, AuditScope scope, CancellationToken cancellationToken)
    {
        var subject = scope.LicenseNumber is { Length: > 0 } number ? subjects.License(number)
            : scope.Plate is { } plate ? subjects.Plate(plate)
            : scope.Vin is { Length: > 0 } vin ? subjects.Vin(vin)
            : "";
        return log.AppendAsync(new AuditRecord(time.GetUtcNow(), callerId, scope.DeviceId, method, subject,
            scope.Purpose, scope.Result, scope.Source), cancellationToken);
    }

    /// <summary>Fills a scope from a verification's full (unshaped) answer.</summary>
    public static void Describe(AuditScope scope, VerifyCredentialResponse response)
    {
        scope.LicenseNumber = response.Credential?.Snapshot?.LicenseNumber;
        scope.Result = response.Verdict.ToString();
        scope.Source = response.Freshness?.Source ?? DataSource.Unspecified;
    }
}
