using System.Globalization;
using ELicense.Server.Registry.Seeding;
using ELicense.V1;
using Microsoft.Data.Sqlite;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>The seeder's three prepared inserts, bound by position (no name lookups in the hot loop).</summary>
internal sealed class SqliteBulkInserts(SqliteConnection connection) : IDisposable
{
    private const string InsertLicense = """
        INSERT INTO licenses (license_number, file_number, holder_name, license_class, status, first_issue_date,
                              valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms)
        VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)
        """;

    private const string InsertVehicle = """
        INSERT INTO vehicles (plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until,
                              insurance_valid_until, update_unix_ms, vehicle_type)
        VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9)
        """;

    private const string InsertViolation = """
        INSERT INTO violations (occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number,
                                license_number, state, source)
        VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)
        """;

    private readonly SqliteCommand _license = Prepare(connection, InsertLicense, 11);
    private readonly SqliteCommand _vehicle = Prepare(connection, InsertVehicle, 10);
    private readonly SqliteCommand _violation = Prepare(connection, InsertViolation, 11);

    /// <summary>Runs the inserts in <paramref name="transaction"/> (null when it is over).</summary>
    public void Enlist(SqliteTransaction? transaction)
    {
        _license.Transaction = transaction;
        _vehicle.Transaction = transaction;
        _violation.Transaction = transaction;
    }

    /// <summary>Writes the batch table by table; violation row ids follow the generator's order.</summary>
    public async Task<SeedCounts> WriteAsync(SeedBatch batch, CancellationToken cancellationToken)
    {
        long licenses = 0, vehicles = 0, violations = 0;
        foreach (var license in batch.Licenses())
        {
            BindLicense(_license, license, batch.UpdateUnixMs);
            await _license.ExecuteNonQueryAsync(cancellationToken);
            licenses++;
        }

        foreach (var vehicle in batch.Vehicles())
        {
            BindVehicle(_vehicle, vehicle, batch.UpdateUnixMs);
            await _vehicle.ExecuteNonQueryAsync(cancellationToken);
            vehicles++;
        }

        foreach (var violation in batch.Violations())
        {
            BindViolation(_violation, violation);
            await _violation.ExecuteNonQueryAsync(cancellationToken);
            violations++;
        }

        return new SeedCounts(licenses, vehicles, violations);
    }

    public void Dispose()
    {
        _license.Dispose();
        _vehicle.Dispose();
        _violation.Dispose();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, int parameterCount)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameterCount; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), DBNull.Value));
        }

        command.Prepare();
        return command;
    }

    private static void BindLicense(SqliteCommand command, License license, long now)
    {
        var p = command.Parameters;
        p[0].Value = license.LicenseNumber;
        p[1].Value = license.FileNumber;
        p[2].Value = license.HolderName;
        p[3].Value = license.LicenseClass;
        p[4].Value = (int)license.Status;
        p[5].Value = (object?)RegistryMapping.ToDateInt(license.FirstIssueDate) ?? DBNull.Value;
        p[6].Value = (object?)RegistryMapping.ToDateInt(license.ValidFromDate) ?? DBNull.Value;
        p[7].Value = (object?)RegistryMapping.ToDateInt(license.ValidUntilDate) ?? DBNull.Value;
        p[8].Value = license.Points;
        p[9].Value = license.IssuingAuthority;
        p[10].Value = now;
    }

    private static void BindVehicle(SqliteCommand command, Vehicle vehicle, long now)
    {
        var p = command.Parameters;
        p[0].Value = (int)vehicle.Plate.Type;
        p[1].Value = vehicle.Plate.Number;
        p[2].Value = vehicle.Vin;
        p[3].Value = vehicle.OwnerName;
        p[4].Value = vehicle.Model;
        p[5].Value = RegistryMapping.ToStatusMask(vehicle.Statuses);
        p[6].Value = (object?)RegistryMapping.ToDateInt(vehicle.InspectionValidUntilDate) ?? DBNull.Value;
        p[7].Value = (object?)RegistryMapping.ToDateInt(vehicle.InsuranceValidUntilDate) ?? DBNull.Value;
        p[8].Value = now;
        p[9].Value = vehicle.VehicleType;
    }

    private static void BindViolation(SqliteCommand command, Violation violation)
    {
        var p = command.Parameters;
        p[0].Value = RegistryMapping.ToUnixMs(violation.OccurTime);
        p[1].Value = violation.Place;
        p[2].Value = violation.Code;
        p[3].Value = violation.Description;
        p[4].Value = violation.Points;
        p[5].Value = violation.FineYuan;
        p[6].Value = (int)violation.Plate.Type;
        p[7].Value = violation.Plate.Number;
        p[8].Value = string.IsNullOrEmpty(violation.LicenseNumber) ? DBNull.Value : violation.LicenseNumber;
        p[9].Value = (int)violation.State;
        p[10].Value = (int)violation.Source;
    }
}
