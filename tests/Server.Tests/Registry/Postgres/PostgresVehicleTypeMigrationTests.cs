using ELicense.Server.Tests.Postgres;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>Migration 2 on a busy registry (it gives up after its lock timeout instead of stalling every reader) and over a hand-added column.</summary>
public sealed class PostgresVehicleTypeMigrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task InitializeAsync_VehiclesTableHeldByAnotherSession_FailsNamingMigration2ThenSucceedsOnceFree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = new PostgresRegistryEngine(postgres.Cluster, new FakeTimeProvider());
        await engine.WriteVersion1VehicleAsync(Vehicle(PlateA, VinA));

        // A long transaction reading the table: the ALTER's ACCESS EXCLUSIVE lock must wait for it.
        await using var holder = new NpgsqlConnection(await engine.ConnectionStringAsync());
        await holder.OpenAsync(ct);
        var transaction = await holder.BeginTransactionAsync(ct);
        await using (var hold = new NpgsqlCommand("LOCK TABLE registry.vehicles IN ACCESS SHARE MODE", holder, transaction))
        {
            await hold.ExecuteNonQueryAsync(ct);
        }

        // The lock_timeout is what ends the wait (without it this would hang, not fail): the code and message say so.
        var error = await Assert.ThrowsAsync<PostgresException>(() => engine.OpenStoreAsync());

        Assert.Equal(PostgresErrorCodes.LockNotAvailable, error.SqlState);
        Assert.StartsWith("Registry migration 2 (vehicles.vehicle_type) could not lock registry.vehicles within 3 s", error.MessageText, StringComparison.Ordinal);

        // The failed start rolled back whole; once the other session is done, the next start migrates.
        await transaction.RollbackAsync(ct);
        await transaction.DisposeAsync();
        var store = await engine.OpenStoreAsync();
        Assert.Equal("", (await store.GetVehicleByPlateAsync(PlateA, ct))!.Vehicle.VehicleType);
    }

    [Fact]
    public async Task InitializeAsync_VehicleTypeColumnAddedByHandAsNumber_FailsNamingTheColumn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = new PostgresRegistryEngine(postgres.Cluster, new FakeTimeProvider());
        await engine.WriteVersion1VehicleAsync(Vehicle(PlateA, VinA));
        await using (var connection = new NpgsqlConnection(await engine.ConnectionStringAsync()))
        {
            await connection.OpenAsync(ct);
            await using var add = new NpgsqlCommand("ALTER TABLE registry.vehicles ADD COLUMN vehicle_type integer", connection);
            await add.ExecuteNonQueryAsync(ct);
        }

        var error = await Assert.ThrowsAsync<PostgresException>(() => engine.OpenStoreAsync());

        Assert.Equal(PostgresErrorCodes.InvalidTableDefinition, error.SqlState);
        Assert.StartsWith("Registry migration 2: registry.vehicles.vehicle_type exists but is not text", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_VehicleTypeColumnAddedByHandInThisShape_Migrates()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = new PostgresRegistryEngine(postgres.Cluster, new FakeTimeProvider());
        await engine.WriteVersion1VehicleAsync(Vehicle(PlateA, VinA));
        await using (var connection = new NpgsqlConnection(await engine.ConnectionStringAsync()))
        {
            await connection.OpenAsync(ct);
            await using var add = new NpgsqlCommand("""ALTER TABLE registry.vehicles ADD COLUMN vehicle_type text COLLATE "C" NOT NULL DEFAULT ''""", connection);
            await add.ExecuteNonQueryAsync(ct);
        }

        var store = await engine.OpenStoreAsync();

        Assert.Equal("", (await store.GetVehicleByPlateAsync(PlateA, ct))!.Vehicle.VehicleType);
    }
}
