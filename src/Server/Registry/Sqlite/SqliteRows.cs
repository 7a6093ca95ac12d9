using ELicense.V1;
using Microsoft.Data.Sqlite;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>Column lists and row readers of the registry tables (the column order of the SELECTs).</summary>
internal static class SqliteRows
{
    public const string LicenseColumns =
        "license_number, file_number, holder_name, license_class, status, first_issue_date, valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms";

    public const string VehicleColumns =
        "plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until, insurance_valid_until, update_unix_ms";

    public const string ViolationColumns =
        "id, occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number, license_number, state, source";

    public static async Task<VehicleRecord?> ReadVehicleRecordAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new VehicleRecord(ReadVehicle(reader), ReadSummary(reader, 9));
    }

    public static async Task<License?> ReadLicenseAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadLicense(reader) : null;
    }

    public static async Task<Violation?> ReadViolationAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadViolation(reader, out _) : null;
    }

    public static License ReadLicense(SqliteDataReader reader)
    {
        var license = new License
        {
            LicenseNumber = reader.GetString(0),
            FileNumber = reader.GetString(1),
            HolderName = reader.GetString(2),
            LicenseClass = reader.GetString(3),
            Status = (LicenseStatus)reader.GetInt32(4),
            Points = reader.GetInt32(8),
            IssuingAuthority = reader.GetString(9),
            UpdateTime = RegistryMapping.FromUnixMs(reader.GetInt64(10)),
        };
        if (!reader.IsDBNull(5))
        {
            license.FirstIssueDate = RegistryMapping.FromDateInt(reader.GetInt64(5));
        }

        if (!reader.IsDBNull(6))
        {
            license.ValidFromDate = RegistryMapping.FromDateInt(reader.GetInt64(6));
        }

        if (!reader.IsDBNull(7))
        {
            license.ValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt64(7));
        }

        return license;
    }

    public static Vehicle ReadVehicle(SqliteDataReader reader)
    {
        var vehicle = new Vehicle
        {
            Plate = new Plate { Type = (PlateType)reader.GetInt32(0), Number = reader.GetString(1) },
            Vin = reader.GetString(2),
            OwnerName = reader.GetString(3),
            Model = reader.GetString(4),
            UpdateTime = RegistryMapping.FromUnixMs(reader.GetInt64(8)),
        };
        RegistryMapping.AddStatuses(vehicle.Statuses, reader.GetInt64(5));
        if (!reader.IsDBNull(6))
        {
            vehicle.InspectionValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt64(6));
        }

        if (!reader.IsDBNull(7))
        {
            vehicle.InsuranceValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt64(7));
        }

        return vehicle;
    }

    public static Violation ReadViolation(SqliteDataReader reader, out long rowId)
    {
        rowId = reader.GetInt64(0);
        return new Violation
        {
            ViolationId = RegistryMapping.FormatViolationId(rowId),
            OccurTime = RegistryMapping.FromUnixMs(reader.GetInt64(1)),
            Place = reader.GetString(2),
            Code = reader.GetString(3),
            Description = reader.GetString(4),
            Points = reader.GetInt32(5),
            FineYuan = reader.GetInt32(6),
            Plate = new Plate { Type = (PlateType)reader.GetInt32(7), Number = reader.GetString(8) },
            LicenseNumber = reader.IsDBNull(9) ? string.Empty : reader.GetString(9),
            State = (ViolationState)reader.GetInt32(10),
            Source = (ViolationSource)reader.GetInt32(11),
        };
    }

    public static ViolationSummary ReadSummary(SqliteDataReader reader, int first) => new()
    {
        UnprocessedCount = reader.GetInt32(first),
        UnprocessedPoints = reader.GetInt32(first + 1),
        UnprocessedFineYuan = reader.GetInt64(first + 2),
    };
}
