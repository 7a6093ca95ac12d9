using ELicense.Server.Registry.Postgres;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Tests.Postgres;
using ELicense.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Postgres.PostgresBulkLoaderTests;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>The primary keys dropped for the load always come back: after it, after a seed cut short, and they still reject duplicates.</summary>
public sealed class PostgresBulkLoaderKeysTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Keys = """
        SELECT count(*) FROM pg_constraint
         WHERE contype = 'p' AND conrelid IN ('registry.licenses'::regclass, 'registry.vehicles'::regclass, 'registry.violations'::regclass)
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RegistrySeeder Seeder => new(new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero)));

    [Fact]
    public async Task SeedAsync_Completed_RestoresThePrimaryKeysAndForgetsTheRecord()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);

        await Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(100, Seed, false, Today), null, Ct);

        Assert.Equal(3, await ScalarAsync(connectionString, Keys));
        Assert.Equal(0, await ScalarAsync(connectionString, $"SELECT count(*) FROM registry.meta WHERE key = '{PostgresBulkLoader.DroppedKeysMetaKey}'"));
        var duplicate = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => PostgresCluster.ExecuteAsync(connectionString,
            "INSERT INTO registry.licenses SELECT * FROM registry.licenses LIMIT 1", Ct));
        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
    }

    [Fact]
    public async Task SeedAsync_AfterASeedCutShort_ServerRefusesAndTheNextSeedRestoresTheKeys()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        var options = new SeedOptions(100, Seed, false, Today);
        await using (var interrupted = new PostgresBulkLoader(connectionString))
        {
            await interrupted.CreateAsync(new SeedManifest(Seed, Today, 100, 0), Ct);
            await interrupted.WriteBatchAsync(SeedBatch.For(options, 0, 0), Ct);
        }

        Assert.Equal(0, await ScalarAsync(connectionString, Keys));
        await using (var check = new PostgresBulkLoader(connectionString))
        {
            Assert.True(await check.HasDataAsync(Ct)); // the half-seeded rows count as data: --force is needed
        }

        // A server does not start on the half-seeded registry (it would serve part of it as the whole).
        await using (var source = Server.Postgres.PostgresDataSources.Build(connectionString))
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                new PostgresRegistryStore(source, new FakeTimeProvider()).InitializeAsync(Ct));
            Assert.Contains("unfinished seed", refused.Message, StringComparison.Ordinal);
        }

        await Seeder.SeedAsync(new PostgresBulkLoader(connectionString), options with { Force = true }, null, Ct);

        Assert.Equal(3, await ScalarAsync(connectionString, Keys));
        Assert.Equal(100, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.licenses"));
    }
}
