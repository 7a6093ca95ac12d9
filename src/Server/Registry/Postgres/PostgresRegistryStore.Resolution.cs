using ELicense.V1;
using static ELicense.Server.Registry.Postgres.PostgresRegistryCommands;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// Resolving a violation: the rules come with the call (<see cref="ViolationResolution"/>); this runs them
/// on the rows it reads — locked with <c>FOR UPDATE</c>, so that no concurrent writer changes them before
/// the commit — and writes what they decided.
/// </summary>
public sealed partial class PostgresRegistryStore
{
    private const string SelectViolationForUpdate = $"SELECT {RegistryRows.ViolationColumns} FROM registry.violations WHERE id = $1 FOR UPDATE";

    private const string UpdateViolationSql = "UPDATE registry.violations SET state = $1, license_number = $2 WHERE id = $3";

    private Task<WriteResult<ResolvedViolation>?> ResolveViolationCoreAsync(string violationId, ViolationResolution resolution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        if (!RegistryMapping.TryParseViolationId(violationId, out var rowId))
        {
            return Task.FromResult<WriteResult<ResolvedViolation>?>(null);
        }

        // Lock order: the violation, then the licence. Two resolutions of violations of one licence queue on
        // the licence row; two of one violation queue on the violation row, and the second then reads the
        // first's committed state (READ COMMITTED re-reads a row it waited for) and is refused by the rules.
        return WriteAsync<ResolvedViolation>(async (write, ct) =>
        {
            Violation? violation;
            await using (var command = write.Command(SelectViolationForUpdate).Arg(rowId))
            {
                violation = await ReadViolationAsync(command, ct);
            }

            if (violation is null)
            {
                return null;
            }

            var previousLicense = string.IsNullOrEmpty(violation.LicenseNumber) ? null : violation.LicenseNumber;
            var attributed = resolution.Attribute(violation);
            License license;
            await using (var command = write.Command(SelectLicenseForUpdate).Arg(attributed))
            {
                license = await ReadLicenseAsync(command, ct) ?? throw ViolationResolution.LicenseNotFound(attributed);
            }

            if (resolution.Standing(violation, license) is { } standing)
            {
                await using var command = write.Command(UpdateLicensePointsSql)
                    .Arg(standing.Points).Arg((int)standing.Status).Arg(write.Now).Arg(attributed);
                license = await ReadLicenseAsync(command, ct)
                    ?? throw new InvalidOperationException("The licence disappeared inside a write transaction.");
            }

            await using (var command = write.Command(UpdateViolationSql).Arg((int)resolution.Target).Arg(attributed).Arg(rowId))
            {
                await command.ExecuteNonQueryAsync(ct);
            }

            violation.State = resolution.Target;
            violation.LicenseNumber = attributed;

            await PlateChangedAsync(write, violation.Plate, ct);
            write.Changed(ChangeKind.License, attributed);
            if (previousLicense is not null && !string.Equals(previousLicense, attributed, StringComparison.Ordinal))
            {
                write.Changed(ChangeKind.License, previousLicense);
            }

            return new ResolvedViolation(violation, license);
        }, cancellationToken);
    }
}
