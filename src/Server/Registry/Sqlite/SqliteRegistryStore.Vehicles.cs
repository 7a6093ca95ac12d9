using ELicense.Core.Rules;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using static ELicense.Server.Registry.RegistryRows;
using static ELicense.Server.Registry.Sqlite.SqliteRows;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>The vehicle table: reads by plate or VIN with the plate's unprocessed totals, upserts (a VIN moving plates).</summary>
public sealed partial class SqliteRegistryStore
{
    private const string SelectVehicleByPlateWithSummary = $"""
        SELECT {VehicleColumns}, s.c, s.p, s.f
        FROM vehicles,
             (SELECT count(*) AS c, coalesce(sum(points), 0) AS p, coalesce(sum(fine_yuan), 0) AS f
              FROM violations WHERE plate_type = $type AND plate_number = $number AND state = 1) AS s
        WHERE plate_type = $type AND plate_number = $number
        """;

    private const string SelectVehicleByVinWithSummary = $"""
        SELECT {VehicleColumns},
               (SELECT count(*) FROM violations AS x
                WHERE x.plate_type = v.plate_type AND x.plate_number = v.plate_number AND x.state = 1),
               (SELECT coalesce(sum(points), 0) FROM violations AS x
                WHERE x.plate_type = v.plate_type AND x.plate_number = v.plate_number AND x.state = 1),
               (SELECT coalesce(sum(fine_yuan), 0) FROM violations AS x
                WHERE x.plate_type = v.plate_type AND x.plate_number = v.plate_number AND x.state = 1)
        FROM vehicles AS v
        WHERE v.vin = $vin
        """;

    private const string SelectVinByPlate = "SELECT vin FROM vehicles WHERE plate_type = $type AND plate_number = $number";

    private const string SelectPlateByVin = "SELECT plate_type, plate_number, vehicle_type FROM vehicles WHERE vin = $vin";

    private const string DeleteVehicleSql = "DELETE FROM vehicles WHERE plate_type = $type AND plate_number = $number";

    // An empty vehicle_type keeps the one stored for the same VIN: writers built before the field send none,
    // and a status update from such a feed must not turn a recorded K33 into "not recorded". A plate now on
    // another VIN is another vehicle, so its old type is not kept. RETURNING gives the type stored.
    private const string UpsertVehicleSql = """
        INSERT INTO vehicles (plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until,
                              insurance_valid_until, update_unix_ms, vehicle_type)
        VALUES ($type, $number, $vin, $owner, $model, $statuses, $inspection, $insurance, $now, $vehicleType)
        ON CONFLICT (plate_type, plate_number) DO UPDATE SET
            vin = excluded.vin, owner_name = excluded.owner_name, model = excluded.model,
            statuses = excluded.statuses, inspection_valid_until = excluded.inspection_valid_until,
            insurance_valid_until = excluded.insurance_valid_until, update_unix_ms = excluded.update_unix_ms,
            vehicle_type = CASE WHEN excluded.vehicle_type = '' AND vehicles.vin = excluded.vin THEN vehicles.vehicle_type ELSE excluded.vehicle_type END
        RETURNING vehicle_type
        """;

    public Task<VehicleRecord?> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken) =>
        WithSessionAsync<VehicleRecord?>(async (session, ct) =>
        {
            var command = session.Command(SelectVehicleByPlateWithSummary);
            command.Bind("$type", (int)plate.Type).Bind("$number", plate.Number);
            return await ReadVehicleRecordAsync(command, ct);
        }, cancellationToken);

    public Task<VehicleRecord?> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken) =>
        WithSessionAsync<VehicleRecord?>(async (session, ct) =>
        {
            var command = session.Command(SelectVehicleByVinWithSummary);
            command.Bind("$vin", vin);
            return await ReadVehicleRecordAsync(command, ct);
        }, cancellationToken);

    public Task<WriteResult<Vehicle>> UpsertVehicleAsync(Vehicle vehicle, CancellationToken cancellationToken)
    {
        if (vehicle.Plate is null)
        {
            throw new ArgumentException("A vehicle needs a plate.", nameof(vehicle));
        }

        var mask = RegistryMapping.ToStatusMask(vehicle.Statuses);
        return WriteAsync(async (session, transaction, now, ct) =>
        {
            var plate = vehicle.Plate;
            string? previousVinOfPlate;
            using (var reader = await session.Command(SelectVinByPlate, transaction)
                .Bind("$type", (int)plate.Type).Bind("$number", plate.Number).ExecuteReaderAsync(ct))
            {
                previousVinOfPlate = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
            }

            Plate? previousPlateOfVin = null;
            var typeToWrite = vehicle.VehicleType;
            using (var reader = await session.Command(SelectPlateByVin, transaction).Bind("$vin", vehicle.Vin).ExecuteReaderAsync(ct))
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
                await session.Command(DeleteVehicleSql, transaction)
                    .Bind("$type", (int)previousPlateOfVin.Type).Bind("$number", previousPlateOfVin.Number)
                    .ExecuteNonQueryAsync(ct);
            }

            var storedType = (string)(await session.Command(UpsertVehicleSql, transaction)
                .Bind("$type", (int)plate.Type)
                .Bind("$number", plate.Number)
                .Bind("$vin", vehicle.Vin)
                .Bind("$owner", vehicle.OwnerName)
                .Bind("$model", vehicle.Model)
                .Bind("$statuses", mask)
                .Bind("$inspection", RegistryMapping.ToDateInt(vehicle.InspectionValidUntilDate))
                .Bind("$insurance", RegistryMapping.ToDateInt(vehicle.InsuranceValidUntilDate))
                .Bind("$now", now)
                .Bind("$vehicleType", typeToWrite)
                .ExecuteScalarAsync(ct))!;

            var stored = vehicle.Clone();
            stored.VehicleType = storedType;
            stored.Statuses.Clear();
            RegistryMapping.AddStatuses(stored.Statuses, mask);
            stored.UpdateTime = RegistryMapping.FromUnixMs(now);

            var changes = new List<RegistryChange>(4);
            await AddChangeAsync(session, transaction, changes, ChangeKind.VehiclePlate, RegistryKeys.Plate(plate), now, ct);
            await AddChangeAsync(session, transaction, changes, ChangeKind.VehicleVin, vehicle.Vin, now, ct);
            if (previousPlateOfVin is not null)
            {
                await AddChangeAsync(session, transaction, changes, ChangeKind.VehiclePlate, RegistryKeys.Plate(previousPlateOfVin), now, ct);
            }

            if (previousVinOfPlate is not null && !string.Equals(previousVinOfPlate, vehicle.Vin, StringComparison.Ordinal))
            {
                await AddChangeAsync(session, transaction, changes, ChangeKind.VehicleVin, previousVinOfPlate, now, ct);
            }

            return new WriteResult<Vehicle>(stored, changes);
        }, cancellationToken);
    }
}
