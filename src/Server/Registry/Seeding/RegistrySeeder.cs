using System.Globalization;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Registry;

/// <summary>What to seed.</summary>
/// <param name="Path">The registry file.</param>
/// <param name="LicenseCount">Licences to generate; vehicles (0.8 each) and violations (~1.5 per vehicle) follow.</param>
/// <param name="Seed">The generator seed: the same seed and today give the same data.</param>
/// <param name="Force">Replace a registry that already holds data.</param>
/// <param name="Today">The day the data is relative to (validity, inspection, violation dates).</param>
/// <param name="BatchSize">Licences per transaction.</param>
public sealed record SeedOptions(string Path, long LicenseCount, int Seed, bool Force, DateOnly Today, int BatchSize = 50_000);

/// <summary>Where a seed run is: the phase ("load", "index", "done"), licences done, rows written.</summary>
public readonly record struct SeedProgress(string Phase, long LicensesDone, long LicensesTotal, long RowsWritten, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? RowsWritten / Elapsed.TotalSeconds : 0;
}

/// <summary>What a seed run wrote.</summary>
public sealed record SeedResult(string Path, long Licenses, long Vehicles, long Violations, TimeSpan Elapsed, long FileBytes)
{
    public long Rows => Licenses + Vehicles + Violations;

    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Rows / Elapsed.TotalSeconds : 0;
}

/// <summary>A seed run refused to start (e.g. the registry already holds data and no --force was given).</summary>
public sealed class RegistrySeedException(string message) : Exception(message);

/// <summary>
/// Bulk-loads synthetic data (<see cref="SyntheticRegistry"/>) into a new registry file as fast as SQLite
/// allows: one connection in exclusive mode, no journal and no fsync during the load, big transactions,
/// prepared inserts, secondary indexes built after the rows. The finished file is switched to WAL and
/// carries <c>synthetic = 1</c> in its <c>meta</c> table.
/// </summary>
public sealed class RegistrySeeder(TimeProvider timeProvider)
{
    private const string InsertLicense = """
        INSERT INTO licenses (license_number, file_number, holder_name, license_class, status, first_issue_date,
                              valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms)
        VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)
        """;

    private const string InsertVehicle = """
        INSERT INTO vehicles (plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until,
                              insurance_valid_until, update_unix_ms)
        VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)
        """;

    private const string InsertViolation = """
        INSERT INTO violations (occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number,
                                license_number, state, source)
        VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)
        """;

    /// <summary>
    /// True when the file exists and holds licences, vehicles or violations, or anything that is not an
    /// empty registry (another database, a file that is not SQLite at all).
    /// </summary>
    public static async Task<bool> HasDataAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (new FileInfo(path).Length == 0)
        {
            return false;
        }

        try
        {
            return await HasRowsAsync(path, cancellationToken);
        }
        catch (SqliteException)
        {
            return true; // not a database we can read: treat as precious
        }
    }

    private static async Task<bool> HasRowsAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('licenses', 'vehicles', 'violations')";
        if ((long)(await command.ExecuteScalarAsync(cancellationToken))! < 3)
        {
            command.CommandText = "SELECT count(*) FROM sqlite_master";
            return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
        }

        command.CommandText = RegistrySchema.HasData;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! != 0;
    }

    public async Task<SeedResult> SeedAsync(SeedOptions options, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LicenseCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LicenseCount, 100_000_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        var path = Path.GetFullPath(options.Path);
        var started = timeProvider.GetTimestamp();

        if (await HasDataAsync(path, cancellationToken) && !options.Force)
        {
            throw new RegistrySeedException(
                $"The registry {path} already holds data; refusing to seed into it. Pass --force to replace it.");
        }

        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        foreach (var suffix in (string[])["", "-wal", "-shm", "-journal"])
        {
            File.Delete(path + suffix);
        }

        var licenseTotal = options.LicenseCount;
        var vehicleTotal = SyntheticRegistry.VehicleCount(licenseTotal);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        long vehicles = 0;
        long violations = 0;

        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString()))
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                PRAGMA locking_mode = EXCLUSIVE;
                PRAGMA temp_store = MEMORY;
                PRAGMA cache_size = -262144;
                """, cancellationToken);
            await ExecuteAsync(connection, RegistrySchema.Tables + RegistrySchema.SchemaVersionRow, cancellationToken);
            await WriteMetaAsync(connection, cancellationToken,
                ("synthetic", "1"),
                ("seed", options.Seed.ToString(CultureInfo.InvariantCulture)),
                ("seed_today", options.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                ("seed_license_count", licenseTotal.ToString(CultureInfo.InvariantCulture)),
                ("seed_started_unix_ms", now.ToString(CultureInfo.InvariantCulture)));

            using var licenseInsert = Prepare(connection, InsertLicense, 11);
            using var vehicleInsert = Prepare(connection, InsertVehicle, 9);
            using var violationInsert = Prepare(connection, InsertViolation, 11);
            var buffer = new List<Violation>(16);

            for (long first = 0; first < licenseTotal; first += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var end = Math.Min(licenseTotal, first + options.BatchSize);
                using (var transaction = connection.BeginTransaction())
                {
                    licenseInsert.Transaction = transaction;
                    vehicleInsert.Transaction = transaction;
                    violationInsert.Transaction = transaction;

                    for (var i = first; i < end; i++)
                    {
                        BindLicense(licenseInsert, SyntheticRegistry.License(options.Seed, i, options.Today), now);
                        await licenseInsert.ExecuteNonQueryAsync(cancellationToken);
                    }

                    // Vehicles in step with licences, so that progress is one number.
                    var vehicleEnd = end == licenseTotal ? vehicleTotal : SyntheticRegistry.VehicleCount(end);
                    for (var v = SyntheticRegistry.VehicleCount(first); v < vehicleEnd; v++)
                    {
                        var vehicle = SyntheticRegistry.Vehicle(options.Seed, v, licenseTotal, options.Today);
                        BindVehicle(vehicleInsert, vehicle, now);
                        await vehicleInsert.ExecuteNonQueryAsync(cancellationToken);
                        vehicles++;

                        buffer.Clear();
                        var owner = SyntheticRegistry.LicenseNumber(options.Seed, SyntheticRegistry.VehicleOwner(options.Seed, v, licenseTotal));
                        SyntheticRegistry.AppendViolations(options.Seed, v, vehicle.Plate, owner, options.Today, buffer);
                        foreach (var violation in buffer)
                        {
                            BindViolation(violationInsert, violation);
                            await violationInsert.ExecuteNonQueryAsync(cancellationToken);
                            violations++;
                        }
                    }

                    await transaction.CommitAsync(cancellationToken);
                }

                progress?.Report(new SeedProgress("load", end, licenseTotal, end + vehicles + violations,
                    timeProvider.GetElapsedTime(started)));
            }

            licenseInsert.Transaction = null;
            vehicleInsert.Transaction = null;
            violationInsert.Transaction = null;

            var rows = licenseTotal + vehicles + violations;
            progress?.Report(new SeedProgress("index", licenseTotal, licenseTotal, rows, timeProvider.GetElapsedTime(started)));
            await ExecuteAsync(connection, RegistrySchema.Indexes, cancellationToken);
            await ExecuteAsync(connection, "PRAGMA analysis_limit = 1000; ANALYZE;", cancellationToken);
            await WriteMetaAsync(connection, cancellationToken,
                ("seed_vehicle_count", vehicles.ToString(CultureInfo.InvariantCulture)),
                ("seed_violation_count", violations.ToString(CultureInfo.InvariantCulture)),
                ("seed_completed", "1"));
        }

        // A fresh connection (the loader held the file exclusively) switches the file to WAL for serving.
        await using (var connection = new SqliteConnection(SqliteRegistryStore.BuildConnectionString(path, 5000)))
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        progress?.Report(new SeedProgress("done", licenseTotal, licenseTotal, licenseTotal + vehicles + violations, elapsed));
        return new SeedResult(path, licenseTotal, vehicles, violations, elapsed, new FileInfo(path).Length);
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

    private static async Task WriteMetaAsync(SqliteConnection connection, CancellationToken cancellationToken, params (string Key, string Value)[] rows)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO meta (key, value) VALUES ($key, $value)";
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var value = command.Parameters.Add("$value", SqliteType.Text);
        foreach (var row in rows)
        {
            key.Value = row.Key;
            value.Value = row.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
