using System.Globalization;
using ELicense.Server.Postgres;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Postgres;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>The wake-up followers LISTEN for, and the schema's migration by replicas starting at once.</summary>
public sealed class PostgresRegistryNotifyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Write_HeldBeforeCommit_NotifiesOnlyAtTheCommitWithItsLastSequence()
    {
        await using var engine = new PostgresRegistryEngine(postgres.Cluster, new FakeTimeProvider(Start));
        var store = await engine.OpenAsync(null);
        await using var listener = await ListenAsync(await engine.ConnectionStringAsync());
        var received = new List<string>();
        listener.Notification += (_, e) => received.Add(e.Payload);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeCommit = async ct =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(Bound, ct); // bounded: a failed assertion below never releases it
        };

        var write = Task.Run(() => store.UpsertVehicleAsync(Vehicle(PlateA, VinA), Ct), Ct);
        await entered.Task.WaitAsync(Bound, Ct);
        // A round trip on the listener: a notification already sent would arrive before its answer.
        await using (var ping = new NpgsqlCommand("SELECT 1", listener))
        {
            await ping.ExecuteScalarAsync(Ct);
        }

        Assert.Empty(received);
        release.SetResult();
        var written = await write.WaitAsync(Bound, Ct);

        Assert.True(await listener.WaitAsync((int)Bound.TotalMilliseconds, Ct), "no notification after the commit");
        Assert.Equal([written.Changes[^1].Sequence.ToString(CultureInfo.InvariantCulture)], received);
    }

    [Fact]
    public async Task Write_RolledBackAfterItsSequences_NotifiesNothing()
    {
        await using var engine = new PostgresRegistryEngine(postgres.Cluster, new FakeTimeProvider(Start));
        var store = await engine.OpenAsync(null);
        await using var listener = await ListenAsync(await engine.ConnectionStringAsync());
        var received = new List<string>();
        listener.Notification += (_, e) => received.Add(e.Payload);

        store.BeforeCommit = _ => throw new InvalidOperationException("fails after pg_notify, before the commit");
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpsertLicenseAsync(License(HolderA), Ct));
        store.BeforeCommit = null;
        var committed = await store.UpsertLicenseAsync(License(HolderB), Ct);

        // The first notification to arrive is the committed write's: the rolled-back one sent none.
        Assert.True(await listener.WaitAsync((int)Bound.TotalMilliseconds, Ct), "no notification after the commit");
        Assert.Equal([committed.Changes[^1].Sequence.ToString(CultureInfo.InvariantCulture)], received);
        Assert.Equal(committed.Changes, await store.GetChangesAsync(0, 10, Ct));
        Assert.Null(await store.GetLicenseAsync(HolderA, Ct));
    }

    [Fact]
    public async Task InitializeAsync_TwoStoresAtOnceOnAnEmptyDatabase_MigrateOnceAndBothServe()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var first = PostgresDataSources.Build(connectionString);
        await using var second = PostgresDataSources.Build(connectionString);
        var stores = new[] { first, second }.Select(source => new PostgresRegistryStore(source, new FakeTimeProvider(Start))).ToList();

        await Task.WhenAll(stores.Select(store => Task.Run(() => store.InitializeAsync(Ct), Ct)));

        await using (var connection = await first.OpenConnectionAsync(Ct))
        {
            Assert.Equal(PostgresRegistrySchema.Migrations[^1].Version,
                await PostgresMigrator.StoredVersionAsync(connection, null, PostgresRegistrySchema.Name, Ct));
            await using var counter = new NpgsqlCommand("SELECT count(*) FROM registry.change_counter", connection);
            Assert.Equal(1L, await counter.ExecuteScalarAsync(Ct));
        }

        var written = await stores[0].UpsertLicenseAsync(License(HolderA), Ct);
        Assert.Equal(written.Value, (await stores[1].GetLicenseAsync(HolderA, Ct))!.License);
        Assert.Equal(written.Changes, await stores[1].GetChangesAsync(0, 10, Ct));
    }

    private static async Task<NpgsqlConnection> ListenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(Ct);
        await using var listen = new NpgsqlCommand($"LISTEN {PostgresRegistrySchema.NotifyChannel}", connection);
        await listen.ExecuteNonQueryAsync(Ct);
        return connection;
    }
}
