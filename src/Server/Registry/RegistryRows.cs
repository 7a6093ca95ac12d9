using System.Data.Common;
using ELicense.V1;

namespace ELicense.Server.Registry;

/// <summary>
/// Column lists and row readers of the registry tables, for every engine: both store the same columns
/// with the same encodings (see <see cref="RegistryMapping"/>), so a row reads the same from either. The
/// readers take the column order of the lists below.
/// </summary>
internal static class RegistryRows
{
    public const string LicenseColumns =
        "license_number, file_number, holder_name, license_class, status, first_issue_date, valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms";

    public const string VehicleColumns =
        "plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until, insurance_valid_until, update_unix_ms, vehicle_type";

    public const string ViolationColumns =
        "id, occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number, license_number, state, source";

    public static License ReadLicense(DbDataReader reader)
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
            license.FirstIssueDate = RegistryMapping.FromDateInt(reader.GetInt32(5));
        }

        if (!reader.IsDBNull(6))
        {
            license.ValidFromDate = RegistryMapping.FromDateInt(reader.GetInt32(6));
        }

        if (!reader.IsDBNull(7))
        {
            license.ValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt32(7));
        }

        return license;
    }

    public static Vehicle ReadVehicle(DbDataReader reader)
    {
        var vehicle = new Vehicle
        {
            Plate = new Plate { Type = (PlateType)reader.GetInt32(0), Number = reader.GetString(1) },
            Vin = reader.GetString(2),
            OwnerName = reader.GetString(3),
            Model = reader.GetString(4),
            UpdateTime = RegistryMapping.FromUnixMs(reader.GetInt64(8)),
            VehicleType = reader.GetString(9),
        };
        RegistryMapping.AddStatuses(vehicle.Statuses, reader.GetInt64(5));
        if (!reader.IsDBNull(6))
        {
            vehicle.InspectionValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt32(6));
        }

        if (!reader.IsDBNull(7))
        {
            vehicle.InsuranceValidUntilDate = RegistryMapping.FromDateInt(reader.GetInt32(7));
        }

        return vehicle;
    }

    public static Violation ReadViolation(DbDataReader reader, out long rowId)
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

    /// <summary>Unprocessed totals: count and points as 32-bit, fines as 64-bit integers, from column <paramref name="first"/>.</summary>
    public static ViolationSummary ReadSummary(DbDataReader reader, int first) => new()
    {
        UnprocessedCount = reader.GetInt32(first),
        UnprocessedPoints = reader.GetInt32(first + 1),
        UnprocessedFineYuan = reader.GetInt64(first + 2),
    };
}
