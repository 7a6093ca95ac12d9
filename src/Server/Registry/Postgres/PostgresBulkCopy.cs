using ELicense.Server.Registry.Seeding;
using ELicense.V1;
using Npgsql;
using NpgsqlTypes;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// Streams one seed batch into the registry's tables with binary <c>COPY</c>, one statement per table, each
/// value written with its PostgreSQL type (no boxing, no text formatting, no per-row round trip).
/// Violation ids are explicit and consecutive in generation order, as SQLite's AUTOINCREMENT assigns them,
/// so that both engines give a seeded violation the same public id.
/// </summary>
internal sealed class PostgresBulkCopy
{
    private const string CopyLicenses = """
        COPY registry.licenses (license_number, file_number, holder_name, license_class, status, first_issue_date,
                                valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyVehicles = """
        COPY registry.vehicles (plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until,
                                insurance_valid_until, update_unix_ms, vehicle_type)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyViolations = """
        COPY registry.violations (id, occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number,
                                  license_number, state, source)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The id the next violation gets: 1 after <c>TRUNCATE</c>, then one past the last written.</summary>
    public long NextViolationId { get; private set; } = 1;

    /// <summary>Writes the batch table by table on <paramref name="connection"/> (inside the caller's transaction).</summary>
    public async Task<SeedCounts> WriteAsync(NpgsqlConnection connection, SeedBatch batch, CancellationToken cancellationToken)
    {
        var licenses = await CopyAsync(connection, CopyLicenses, batch.Licenses(), batch.UpdateUnixMs, perRow: false, WriteLicenseAsync, cancellationToken);
        var vehicles = await CopyAsync(connection, CopyVehicles, batch.Vehicles(), batch.UpdateUnixMs, perRow: false, WriteVehicleAsync, cancellationToken);
        var first = NextViolationId;
        var violations = await CopyAsync(connection, CopyViolations, batch.Violations(), first, perRow: true, WriteViolationAsync, cancellationToken);
        NextViolationId = first + violations;
        return new SeedCounts(licenses, vehicles, violations);
    }

    /// <summary>
    /// One COPY, a row per item. Each row gets <paramref name="value"/> (the batch's update time), or with
    /// <paramref name="perRow"/> the value plus its position (consecutive violation ids from the first).
    /// </summary>
    private static async Task<long> CopyAsync<T>(NpgsqlConnection connection, string copy, IEnumerable<T> rows, long value, bool perRow,
        Func<NpgsqlBinaryImporter, T, long, CancellationToken, Task> writeRow, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        long count = 0;
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            await writeRow(importer, row, perRow ? value + count : value, cancellationToken);
            count++;
        }

        await importer.CompleteAsync(cancellationToken);
        return count;
    }

    private static async Task WriteLicenseAsync(NpgsqlBinaryImporter row, License license, long updateUnixMs, CancellationToken ct)
    {
        await row.WriteAsync(license.LicenseNumber, NpgsqlDbType.Text, ct);
        await row.WriteAsync(license.FileNumber, NpgsqlDbType.Text, ct);
        await row.WriteAsync(license.HolderName, NpgsqlDbType.Text, ct);
        await row.WriteAsync(license.LicenseClass, NpgsqlDbType.Text, ct);
        await row.WriteAsync((int)license.Status, NpgsqlDbType.Integer, ct);
        await WriteDateAsync(row, RegistryMapping.ToDateInt(license.FirstIssueDate), ct);
        await WriteDateAsync(row, RegistryMapping.ToDateInt(license.ValidFromDate), ct);
        await WriteDateAsync(row, RegistryMapping.ToDateInt(license.ValidUntilDate), ct);
        await row.WriteAsync(license.Points, NpgsqlDbType.Integer, ct);
        await row.WriteAsync(license.IssuingAuthority, NpgsqlDbType.Text, ct);
        await row.WriteAsync(updateUnixMs, NpgsqlDbType.Bigint, ct);
    }

    private static async Task WriteVehicleAsync(NpgsqlBinaryImporter row, Vehicle vehicle, long updateUnixMs, CancellationToken ct)
    {
        await row.WriteAsync((int)vehicle.Plate.Type, NpgsqlDbType.Integer, ct);
        await row.WriteAsync(vehicle.Plate.Number, NpgsqlDbType.Text, ct);
        await row.WriteAsync(vehicle.Vin, NpgsqlDbType.Text, ct);
        await row.WriteAsync(vehicle.OwnerName, NpgsqlDbType.Text, ct);
        await row.WriteAsync(vehicle.Model, NpgsqlDbType.Text, ct);
        await row.WriteAsync(RegistryMapping.ToStatusMask(vehicle.Statuses), NpgsqlDbType.Bigint, ct);
        await WriteDateAsync(row, RegistryMapping.ToDateInt(vehicle.InspectionValidUntilDate), ct);
        await WriteDateAsync(row, RegistryMapping.ToDateInt(vehicle.InsuranceValidUntilDate), ct);
        await row.WriteAsync(updateUnixMs, NpgsqlDbType.Bigint, ct);
        await row.WriteAsync(vehicle.VehicleType, NpgsqlDbType.Text, ct);
    }

    private static async Task WriteViolationAsync(NpgsqlBinaryImporter row, Violation violation, long id, CancellationToken ct)
    {
        await row.WriteAsync(id, NpgsqlDbType.Bigint, ct);
        await row.WriteAsync(RegistryMapping.ToUnixMs(violation.OccurTime), NpgsqlDbType.Bigint, ct);
        await row.WriteAsync(violation.Place, NpgsqlDbType.Text, ct);
        await row.WriteAsync(violation.Code, NpgsqlDbType.Text, ct);
        await row.WriteAsync(violation.Description, NpgsqlDbType.Text, ct);
        await row.WriteAsync(violation.Points, NpgsqlDbType.Integer, ct);
        await row.WriteAsync(violation.FineYuan, NpgsqlDbType.Integer, ct);
        await row.WriteAsync((int)violation.Plate.Type, NpgsqlDbType.Integer, ct);
        await row.WriteAsync(violation.Plate.Number, NpgsqlDbType.Text, ct);
        if (string.IsNullOrEmpty(violation.LicenseNumber))
        {
            await row.WriteNullAsync(ct); // a violation of an unlicensed driver: NULL, as SQLite stores it
        }
        else
        {
            await row.WriteAsync(violation.LicenseNumber, NpgsqlDbType.Text, ct);
        }

        await row.WriteAsync((int)violation.State, NpgsqlDbType.Integer, ct);
        await row.WriteAsync((int)violation.Source, NpgsqlDbType.Integer, ct);
    }

    private static Task WriteDateAsync(NpgsqlBinaryImporter row, int? date, CancellationToken ct) =>
        date is { } value ? row.WriteAsync(value, NpgsqlDbType.Integer, ct) : row.WriteNullAsync(ct);
}
