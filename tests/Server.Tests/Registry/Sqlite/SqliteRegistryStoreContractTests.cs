using ELicense.Server.Registry;
using ELicense.Server.Registry.Sqlite;
using ELicense.Server.Tests.Registry.Contract;
using ELicense.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Server.Tests.Registry.Sqlite;

/// <summary>The store contract run against the embedded SQLite engine (a temporary file per test).</summary>
public sealed class SqliteRegistryStoreContractTests : RegistryStoreContract
{
    protected override IRegistryStoreEngine CreateEngine(FakeTimeProvider time) => new SqliteEngine(new TempRegistry(time));

    // The meta and vehicles tables as schema version 1 shipped them (the store creates the other tables).
    private const string Version1Sql = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        INSERT INTO meta (key, value) VALUES ('schema_version', '1');
        CREATE TABLE vehicles (
            plate_type             INTEGER NOT NULL,
            plate_number           TEXT NOT NULL,
            vin                    TEXT NOT NULL,
            owner_name             TEXT NOT NULL,
            model                  TEXT NOT NULL,
            statuses               INTEGER NOT NULL,
            inspection_valid_until INTEGER,
            insurance_valid_until  INTEGER,
            update_unix_ms         INTEGER NOT NULL,
            PRIMARY KEY (plate_type, plate_number)
        ) WITHOUT ROWID;
        INSERT INTO vehicles VALUES ($type, $number, $vin, $owner, $model, 0, $inspection, $insurance, $now);
        """;

    internal sealed class SqliteEngine(TempRegistry registry) : IRegistryStoreEngine
    {
        public FakeTimeProvider Time => registry.Time;

        public IRegistryErrorClassifier Classifier => SqliteErrorClassifier.Instance;

        public bool SingleWriter => true;

        public async Task<IRegistryStore> OpenStoreAsync()
        {
            var store = registry.OpenStore();
            await store.InitializeAsync(CancellationToken.None);
            return store;
        }

        public async Task<IRegistryStore> OpenStoreAsync(Func<CancellationToken, Task> insideWrite)
        {
            var store = registry.OpenStore();
            await store.InitializeAsync(CancellationToken.None);
            store.BeforeCommit = insideWrite;
            return store;
        }

        public Task<bool> WaitForLockWaitAsync(TimeSpan bound) => Task.FromResult(false);

        public Task WriteVersion1VehicleAsync(Vehicle vehicle)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(registry.Path)!);
            using var connection = new SqliteConnection($"Data Source={registry.Path};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Version1Sql;
            command.Parameters.AddWithValue("$type", (int)vehicle.Plate.Type);
            command.Parameters.AddWithValue("$number", vehicle.Plate.Number);
            command.Parameters.AddWithValue("$vin", vehicle.Vin);
            command.Parameters.AddWithValue("$owner", vehicle.OwnerName);
            command.Parameters.AddWithValue("$model", vehicle.Model);
            command.Parameters.AddWithValue("$inspection", RegistryMapping.ToDateInt(vehicle.InspectionValidUntilDate));
            command.Parameters.AddWithValue("$insurance", RegistryMapping.ToDateInt(vehicle.InsuranceValidUntilDate));
            command.Parameters.AddWithValue("$now", registry.Time.GetUtcNow().ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            registry.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
