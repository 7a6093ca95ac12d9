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
        // Every subject the scope names, in one record: a roadside check is about the driver and the vehicle,
        // and each must find it (the index takes each part in). One-subject calls name just one.
        var subject = AuditSubjects.Join(
            scope.LicenseNumber is { Length: > 0 } number ? subjects.License(number) : null,
            scope.Plate is { } plate ? subjects.Plate(plate) : scope.Vin is { Length: > 0 } vin ? subjects.Vin(vin) : null);
        return log.AppendAsync(new AuditRecord(time.GetUtcNow(), callerId, scope.DeviceId, method, subject,
            scope.Purpose, scope.Result, scope.Source), cancellationToken);
    }

    /// <summary>
    /// Fills a scope's vehicle from a vehicle check's full answer: the plate the verified mark names (a mark that
    /// did not verify names nobody). A vehicle named by plate or VIN was put in the scope by the caller.
    /// </summary>
    public static void DescribeVehicle(AuditScope scope, VehicleCheck check)
    {
        if (check.Mark?.Mark?.Plate is { } plate)
        {
            (scope.Plate, scope.Vin) = (plate, null);
        }

        if (scope.Source == DataSource.Unspecified)
        {
            scope.Source = check.Freshness?.Source ?? DataSource.Unspecified;
        }
    }

    /// <summary>Fills a scope from a verification's full (unshaped) answer.</summary>
    public static void Describe(AuditScope scope, VerifyCredentialResponse response)
    {
        scope.LicenseNumber = response.Credential?.Snapshot?.LicenseNumber;
        scope.Result = response.Verdict.ToString();
        scope.Source = response.Freshness?.Source ?? DataSource.Unspecified;
    }
}
