using System.Globalization;
using ELicense.Server.Postgres;
using ELicense.Server.Registry;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Registry.Sqlite;
using ELicense.Server.Tests.Postgres;
using ELicense.Server.Tests.Registry.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>The binary-COPY seed on a real PostgreSQL writes exactly the rows the generator makes, as the SQLite seed does.</summary>
public sealed class PostgresBulkLoaderTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    internal const int Seed = 7;
    internal static readonly DateOnly Today = new(2026, 11, 25);
    private const int Licenses = 3_000;

    private const string LicenseRow = """
        SELECT license_number, file_number, holder_name, license_class, status, first_issue_date, valid_from_date,
               valid_until_date, points, issuing_authority, update_unix_ms FROM registry.licenses WHERE license_number = $1
        """;

    private const string VehicleRow = """
        SELECT plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until, insurance_valid_until,
               update_unix_ms FROM registry.vehicles WHERE plate_type = $1 AND plate_number = $2
        """;

    private const string ViolationColumns = """
        occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number, license_number, state, source
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedAsync_FewThousandLicences_WritesTheGeneratedRowsWithTheSqliteSeedsIds()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        var options = new SeedOptions(Licenses, Seed, Force: false, Today, BatchSize: 1_000);
        using var sqlite = new TempRegistry();
        var reports = new List<SeedProgress>();

        var seeded = await new RegistrySeeder(sqlite.Time).SeedAsync(new PostgresBulkLoader(connectionString), options, new ListProgress(reports), Ct);
        var reference = await new RegistrySeeder(sqlite.Time).SeedAsync(new SqliteBulkLoader(sqlite.Path), options, null, Ct);

        Assert.Equal(PostgresTarget.Describe(connectionString), seeded.Target);
        Assert.Equal((reference.Licenses, reference.Vehicles, reference.Violations), (seeded.Licenses, seeded.Vehicles, seeded.Violations));
        Assert.Equal(seeded.Licenses, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.licenses"));
        Assert.Equal(seeded.Vehicles, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.vehicles"));
        Assert.Equal(seeded.Violations, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.violations"));
        Assert.True(seeded.SizeBytes > 0);
        Assert.Equal([1_000L, 2_000, 3_000], reports.Where(r => r.Phase == "load").Select(r => r.LicensesDone));
        Assert.Equal(["load", "index", "done"], reports.Select(r => r.Phase).Distinct());

        // The generator's rows, in the order the seeder writes them (batch by batch).
        var now = sqlite.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var batches = Enumerable.Range(0, 3).Select(b => SeedBatch.For(options, b * 1_000L, now)).ToList();
        var licenses = batches.SelectMany(b => b.Licenses()).ToList();
        var vehicles = batches.SelectMany(b => b.Vehicles()).ToList();
        var violations = batches.SelectMany(b => b.Violations()).ToList();
        foreach (var i in new[] { 0, 1, 999, 1_000, Licenses - 1 })
        {
            var l = licenses[i];
            Assert.Equal(Texts(l.LicenseNumber, l.FileNumber, l.HolderName, l.LicenseClass, (int)l.Status, RegistryMapping.ToDateInt(l.FirstIssueDate),
                    RegistryMapping.ToDateInt(l.ValidFromDate), RegistryMapping.ToDateInt(l.ValidUntilDate), l.Points, l.IssuingAuthority, now),
                await RowAsync(connectionString, LicenseRow, l.LicenseNumber));
        }

        foreach (var v in new[] { 0, 800, vehicles.Count - 1 })
        {
            var x = vehicles[v];
            Assert.Equal(Texts((int)x.Plate.Type, x.Plate.Number, x.Vin, x.OwnerName, x.Model, RegistryMapping.ToStatusMask(x.Statuses),
                    RegistryMapping.ToDateInt(x.InspectionValidUntilDate), RegistryMapping.ToDateInt(x.InsuranceValidUntilDate), now),
                await RowAsync(connectionString, VehicleRow, (int)x.Plate.Type, x.Plate.Number));
        }

        // Violation ids: the k-th generated violation is row k in both engines.
        foreach (var id in new long[] { 1, 2, violations.Count / 2, violations.Count })
        {
            var x = violations[(int)id - 1];
            var expected = Texts(RegistryMapping.ToUnixMs(x.OccurTime), x.Place, x.Code, x.Description, x.Points, x.FineYuan, (int)x.Plate.Type,
                x.Plate.Number, x.LicenseNumber, (int)x.State, (int)x.Source);
            Assert.Equal(expected, await RowAsync(connectionString, $"SELECT {ViolationColumns} FROM registry.violations WHERE id = $1", id));
            Assert.Equal(expected, await SqliteRowAsync(sqlite.Path, $"SELECT {ViolationColumns} FROM violations WHERE id = $id", id));
        }
    }

    /// <summary>Values as invariant text, null as empty (a NULL licence number is the generator's empty one).</summary>
    internal static string[] Texts(params object?[] values) =>
        [.. values.Select(v => Convert.ToString(v is DBNull ? null : v, CultureInfo.InvariantCulture) ?? "")];

    internal static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
    }

    private static async Task<string[]> RowAsync(string connectionString, string sql, params object[] keys)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var key in keys)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key });
        }

        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct), $"no row for {string.Join(", ", keys)}");
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return Texts(values);
    }

    private static async Task<string[]> SqliteRowAsync(string path, string sql, long id)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct), $"no SQLite row {id}");
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return Texts(values);
    }

    internal sealed class ListProgress(List<SeedProgress> reports) : IProgress<SeedProgress>
    {
        public void Report(SeedProgress value) => reports.Add(value);
    }
}
