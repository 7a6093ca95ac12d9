using ELicense.Core.Rules;
using ELicense.V1;
using Npgsql;
using static ELicense.Server.Registry.Postgres.PostgresRegistryCommands;
using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Postgres;

/// <summary>The vehicle table: reads by plate or VIN with the plate's unprocessed totals, upserts (a VIN moving plates).</summary>
public sealed partial class PostgresRegistryStore
{
    // How often an upsert is tried again when a concurrent writer inserted the same VIN or plate first (the
    // unique index refuses the second insert; once the first has committed, a new attempt sees and replaces it).
    private const int VehicleUpsertAttempts = 3;

    private const string SelectVehicleByPlateWithSummary = $"""
        SELECT {VehicleColumns}, s.c, s.p, s.f
        FROM registry.vehicles,
             (SELECT count(*)::integer AS c, coalesce(sum(points), 0)::integer AS p, coalesce(sum(fine_yuan), 0)::bigint AS f
              FROM registry.violations WHERE plate_type = $1 AND plate_number = $2 AND state = 1) AS s
        WHERE plate_type = $1 AND plate_number = $2
        """;

    private const string SelectVehicleByVinWithSummary = $"""
        SELECT {VehicleColumns}, s.c, s.p, s.f
        FROM registry.vehicles AS v,
             LATERAL (SELECT count(*)::integer AS c, coalesce(sum(x.points), 0)::integer AS p, coalesce(sum(x.fine_yuan), 0)::bigint AS f
                      FROM registry.violations AS x
                      WHERE x.plate_type = v.plate_type AND x.plate_number = v.plate_number AND x.state = 1) AS s
        WHERE v.vin = $1
        """;

    private const string SelectVinByPlate = "SELECT vin FROM registry.vehicles WHERE plate_type = $1 AND plate_number = $2";

    // Locked: the upsert decides which VIN and plate records it replaces on these rows.
    private const string SelectVinByPlateForUpdate = SelectVinByPlate + " FOR UPDATE";

    private const string SelectPlateByVinForUpdate = "SELECT plate_type, plate_number, vehicle_type FROM registry.vehicles WHERE vin = $1 FOR UPDATE";

    private const string DeleteVehicleSql = "DELETE FROM registry.vehicles WHERE plate_type = $1 AND plate_number = $2";

    // An empty vehicle_type keeps the one stored for the same VIN (writers built before the field send none;
    // see the SQLite twin). RETURNING gives the type stored, so the answer says what is.
    private const string UpsertVehicleSql = """
        INSERT INTO registry.vehicles (plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until,
                                       insurance_valid_until, update_unix_ms, vehicle_type)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (plate_type, plate_number) DO UPDATE SET
            vin = excluded.vin, owner_name = excluded.owner_name, model = excluded.model,
            statuses = excluded.statuses, inspection_valid_until = excluded.inspection_valid_until,
            insurance_valid_until = excluded.insurance_valid_until, update_unix_ms = excluded.update_unix_ms,
            vehicle_type = CASE WHEN excluded.vehicle_type = '' AND vehicles.vin = excluded.vin THEN vehicles.vehicle_type ELSE excluded.vehicle_type END
        RETURNING vehicle_type
        """;

    private async Task<VehicleRecord?> GetVehicleByPlateCoreAsync(Plate plate, CancellationToken cancellationToken)
    {
        await using var command = Read(SelectVehicleByPlateWithSummary).Arg((int)plate.Type).Arg(plate.Number);
        return await ReadVehicleRecordAsync(command, cancellationToken);
    }

    private async Task<VehicleRecord?> GetVehicleByVinCoreAsync(string vin, CancellationToken cancellationToken)
    {
        await using var command = Read(SelectVehicleByVinWithSummary).Arg(vin);
        return await ReadVehicleRecordAsync(command, cancellationToken);
    }

    private async Task<WriteResult<Vehicle>> UpsertVehicleCoreAsync(Vehicle vehicle, CancellationToken cancellationToken)
    {
        if (vehicle.Plate is null)
        {
            throw new ArgumentException("A vehicle needs a plate.", nameof(vehicle));
        }

        var mask = RegistryMapping.ToStatusMask(vehicle.Statuses);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteAlwaysAsync((write, ct) => UpsertVehicleAsync(write, vehicle, mask, ct), cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < VehicleUpsertAttempts)
            {
                // A concurrent upsert of the same VIN (on another plate) or plate committed first; go again on its result.
            }
        }
    }

    private static async Task<Vehicle> UpsertVehicleAsync(PostgresRegistryWrite write, Vehicle vehicle, long mask, CancellationToken ct)
    {
        var plate = vehicle.Plate;
        string? previousVinOfPlate;
        await using (var command = write.Command(SelectVinByPlateForUpdate).Arg((int)plate.Type).Arg(plate.Number))
        {
            previousVinOfPlate = await command.ExecuteScalarAsync(ct) as string;
        }

        Plate? previousPlateOfVin = null;
        var typeToWrite = vehicle.VehicleType;
        await using (var command = write.Command(SelectPlateByVinForUpdate).Arg(vehicle.Vin))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                var type = (PlateType)reader.GetInt32(0);
                var number = reader.GetString(1);
                if (type != plate.Type || !string.Equals(number, plate.Number, StringComparison.Ordinal))
                {
                    previousPlateOfVin = new Plate { Type = type, Number = number };
                    // Re-registration: the type follows the vehicle to its new plate unless a new one is given (if it fits that plate).
                    typeToWrite = typeToWrite.Length == 0 ? VehicleEntitlement.CarriedType(reader.GetString(2), plate.Type) : typeToWrite;
                }
            }
        }

        // The VIN moved to a new plate (re-registration): the old plate's record goes.
        if (previousPlateOfVin is not null)
        {
            await using var command = write.Command(DeleteVehicleSql).Arg((int)previousPlateOfVin.Type).Arg(previousPlateOfVin.Number);
            await command.ExecuteNonQueryAsync(ct);
        }

        string storedType;
        await using (var command = write.Command(UpsertVehicleSql)
            .Arg((int)plate.Type).Arg(plate.Number).Arg(vehicle.Vin).Arg(vehicle.OwnerName).Arg(vehicle.Model).Arg(mask)
            .ArgOrNull(RegistryMapping.ToDateInt(vehicle.InspectionValidUntilDate))
            .ArgOrNull(RegistryMapping.ToDateInt(vehicle.InsuranceValidUntilDate))
            .Arg(write.Now).Arg(typeToWrite))
        {
            storedType = (string)(await command.ExecuteScalarAsync(ct))!;
        }

        var stored = vehicle.Clone();
        stored.VehicleType = storedType;
        stored.Statuses.Clear();
        RegistryMapping.AddStatuses(stored.Statuses, mask);
        stored.UpdateTime = RegistryMapping.FromUnixMs(write.Now);

        write.PlateChanged(plate);
        write.Changed(ChangeKind.VehicleVin, vehicle.Vin);
        if (previousPlateOfVin is not null)
        {
            write.PlateChanged(previousPlateOfVin);
        }

        if (previousVinOfPlate is not null && !string.Equals(previousVinOfPlate, vehicle.Vin, StringComparison.Ordinal))
        {
            write.Changed(ChangeKind.VehicleVin, previousVinOfPlate);
        }

        return stored;
    }
}
