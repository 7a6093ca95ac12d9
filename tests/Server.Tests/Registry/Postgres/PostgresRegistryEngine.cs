using ELicense.Server.Postgres;
using ELicense.Server.Registry;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Registry.Contract;
using ELicense.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>
/// A fresh database in a test cluster under the store contract. Each store gets its OWN data source (its
/// own pool and prepared statements), as another server process would; the database is dropped on dispose.
/// </summary>
internal sealed class PostgresRegistryEngine(PostgresCluster cluster, FakeTimeProvider time) : IRegistryStoreEngine
{
    private readonly List<NpgsqlDataSource> _sources = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _connectionString;

    public FakeTimeProvider Time => time;

    public IRegistryErrorClassifier Classifier => PostgresRegistryErrorClassifier.Instance;

    public bool SingleWriter => false;

    /// <summary>The connection string of this engine's database, created on first use.</summary>
    public async Task<string> ConnectionStringAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _connectionString ??= await cluster.CreateDatabaseAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IRegistryStore> OpenStoreAsync() => await OpenAsync(null);

    public async Task<IRegistryStore> OpenStoreAsync(Func<CancellationToken, Task> insideWrite) => await OpenAsync(insideWrite);

    /// <summary>A new, initialized store on its own data source (<paramref name="extra"/> appended to the connection string).</summary>
    public async Task<PostgresRegistryStore> OpenAsync(Func<CancellationToken, Task>? insideWrite, string extra = "") =>
        (await OpenWithSourceAsync(insideWrite, extra)).Store;

    /// <summary>As <see cref="OpenAsync"/>, with the store's data source (to hold its connections).</summary>
    public async Task<(PostgresRegistryStore Store, NpgsqlDataSource Source)> OpenWithSourceAsync(Func<CancellationToken, Task>? insideWrite, string extra = "")
    {
        var source = PostgresDataSources.Build(await ConnectionStringAsync() + extra);
        lock (_sources)
        {
            _sources.Add(source);
        }

        var store = new PostgresRegistryStore(source, time) { BeforeSequencing = insideWrite };
        await store.InitializeAsync(CancellationToken.None);
        return (store, source);
    }

    public async Task<bool> WaitForLockWaitAsync(TimeSpan bound)
    {
        // A real server's state: polled, with a bound.
        const string sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        await using var source = PostgresDataSources.Build(await ConnectionStringAsync());
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = source.CreateCommand(sql);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }

    public async Task WriteVersion1VehicleAsync(ELicense.V1.Vehicle vehicle)
    {
        await using var source = PostgresDataSources.Build(await ConnectionStringAsync());
        await PostgresMigrator.MigrateAsync(source, PostgresRegistrySchema.Name, PostgresRegistrySchema.Migrations.Take(1).ToList(), CancellationToken.None);
        await using var command = source.CreateCommand("""
            INSERT INTO registry.vehicles (plate_type, plate_number, vin, owner_name, model, statuses, inspection_valid_until,
                                           insurance_valid_until, update_unix_ms)
            VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)
            """);
        foreach (var value in new object?[]
        {
            (int)vehicle.Plate.Type, vehicle.Plate.Number, vehicle.Vin, vehicle.OwnerName, vehicle.Model,
            RegistryMapping.ToDateInt(vehicle.InspectionValidUntilDate), RegistryMapping.ToDateInt(vehicle.InsuranceValidUntilDate),
            time.GetUtcNow().ToUnixTimeMilliseconds(),
        })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }

        if (_connectionString is not null)
        {
            var database = new NpgsqlConnectionStringBuilder(_connectionString).Database;
            await PostgresCluster.ExecuteAsync(cluster.ConnectionString(), $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }

        _gate.Dispose();
    }
}
