using ELicense.Core.Identifiers;
using ELicense.V1;
using static ELicense.Server.Registry.Postgres.PostgresRegistryCommands;
using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Postgres;

/// <summary>The violation table: recording a violation, idempotent by request id (pages and resolution have their own parts).</summary>
public sealed partial class PostgresRegistryStore
{
    private const string SelectViolationByRequestId = $"SELECT {ViolationColumns} FROM registry.violations WHERE request_id = $1";

    // A concurrent call with the same request id that committed first makes this insert nothing (the unique
    // partial index arbitrates; an in-progress one is waited for), and the call then returns that row.
    private const string InsertViolationSql = """
        INSERT INTO registry.violations (occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number,
                                         license_number, state, source, request_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (request_id) WHERE request_id IS NOT NULL DO NOTHING
        RETURNING id
        """;

    private Task<WriteResult<Violation>> RecordViolationCoreAsync(Violation violation, string requestId, CancellationToken cancellationToken)
    {
        if (violation.Plate is null)
        {
            throw new ArgumentException("A violation needs a plate.", nameof(violation));
        }

        if (violation.OccurTime is null)
        {
            throw new ArgumentException("A violation needs an occur time.", nameof(violation));
        }

        var request = string.IsNullOrEmpty(requestId) ? null : requestId;
        return WriteAlwaysAsync(async (write, ct) =>
        {
            if (request is not null && await ViolationByRequestAsync(write, request, ct) is { } existing)
            {
                return existing;
            }

            var stored = violation.Clone();
            if (stored.State == ViolationState.Unspecified)
            {
                stored.State = ViolationState.Unprocessed;
            }

            var licenseNumber = string.IsNullOrEmpty(stored.LicenseNumber) ? null : stored.LicenseNumber;
            if (licenseNumber is not null)
            {
                // Attributed to a licence that is not in the registry, it would never reach anyone's record
                // (nor its points, when processed) and would show to whoever is later issued that number.
                await using var exists = write.Command(SelectLicenseExists).Arg(licenseNumber);
                _ = await exists.ExecuteScalarAsync(ct) ?? throw new RegistryRuleException(RegistryRuleReasons.LicenseNotFound,
                    $"Licence {IdentityNumber.Mask(licenseNumber)} not found; a violation can only be attributed to a licence in the registry.");
            }

            object? rowId;
            await using (var insert = write.Command(InsertViolationSql)
                .Arg(RegistryMapping.ToUnixMs(stored.OccurTime)).Arg(stored.Place).Arg(stored.Code).Arg(stored.Description)
                .Arg(stored.Points).Arg(stored.FineYuan).Arg((int)stored.Plate.Type).Arg(stored.Plate.Number)
                .ArgOrNull(licenseNumber).Arg((int)stored.State).Arg((int)stored.Source).ArgOrNull(request))
            {
                rowId = await insert.ExecuteScalarAsync(ct);
            }

            if (rowId is null)
            {
                // The same request committed by a concurrent call between the look-up above and this insert.
                return await ViolationByRequestAsync(write, request!, ct)
                    ?? throw new InvalidOperationException("A violation's request id conflicted, but no violation has it.");
            }

            stored.ViolationId = RegistryMapping.FormatViolationId((long)rowId);
            stored.OccurTime = RegistryMapping.FromUnixMs(RegistryMapping.ToUnixMs(stored.OccurTime));
            await PlateChangedAsync(write, stored.Plate, ct);
            if (licenseNumber is not null)
            {
                write.Changed(ChangeKind.License, licenseNumber);
            }

            return stored;
        }, cancellationToken);
    }

    private static async Task<Violation?> ViolationByRequestAsync(PostgresRegistryWrite write, string request, CancellationToken ct)
    {
        await using var command = write.Command(SelectViolationByRequestId).Arg(request);
        return await ReadViolationAsync(command, ct);
    }
}
