using ELicense.V1;
using Microsoft.Data.Sqlite;
using static ELicense.Server.Registry.RegistryRows;
using static ELicense.Server.Registry.Sqlite.SqliteRows;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// Resolving a violation: the rules come with the call (<see cref="ViolationResolution"/>, over Core's
/// ViolationRules); this runs them on the rows it reads inside its write transaction and writes what they decided.
/// </summary>
public sealed partial class SqliteRegistryStore
{
    public Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(string violationId, ViolationResolution resolution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        if (!RegistryMapping.TryParseViolationId(violationId, out var rowId))
        {
            return Task.FromResult<WriteResult<ResolvedViolation>?>(null);
        }

        // BEGIN IMMEDIATE holds the write lock from the first read: the violation and licence the rules
        // decide on cannot change before the commit, whatever other processes write.
        return WriteAsync<WriteResult<ResolvedViolation>?>(async (session, transaction, now, ct) =>
        {
            var violation = await ReadViolationAsync(session.Command(SelectViolationById, transaction).Bind("$id", rowId), ct);
            if (violation is null)
            {
                return null;
            }

            var previousLicense = string.IsNullOrEmpty(violation.LicenseNumber) ? null : violation.LicenseNumber;
            var attributed = resolution.Attribute(violation);
            var license = await ReadLicenseAsync(session.Command(SelectLicense, transaction).Bind("$number", attributed), ct)
                ?? throw ViolationResolution.LicenseNotFound(attributed);

            if (resolution.Standing(violation, license) is { } standing)
            {
                license = await ReadLicenseAsync(session.Command(UpdateLicensePointsSql, transaction)
                    .Bind("$points", standing.Points).Bind("$status", (int)standing.Status).Bind("$now", now).Bind("$number", attributed), ct)
                    ?? throw new InvalidOperationException("The licence disappeared inside a write transaction.");
            }

            await session.Command(UpdateViolationSql, transaction)
                .Bind("$state", (int)resolution.Target).Bind("$license", attributed).Bind("$id", rowId)
                .ExecuteNonQueryAsync(ct);
            violation.State = resolution.Target;
            violation.LicenseNumber = attributed;

            var changes = new List<RegistryChange>(4);
            await AddPlateChangesAsync(session, transaction, changes, violation.Plate, now, ct);
            await AddChangeAsync(session, transaction, changes, ChangeKind.License, attributed, now, ct);
            if (previousLicense is not null && !string.Equals(previousLicense, attributed, StringComparison.Ordinal))
            {
                await AddChangeAsync(session, transaction, changes, ChangeKind.License, previousLicense, now, ct);
            }

            return new WriteResult<ResolvedViolation>(new ResolvedViolation(violation, license), changes);
        }, cancellationToken);
    }
}
