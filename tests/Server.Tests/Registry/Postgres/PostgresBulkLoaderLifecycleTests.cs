using ELicense.Server.Postgres;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Tests.Postgres;
using ELicense.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Postgres.PostgresBulkLoaderTests;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>What the PostgreSQL seed leaves behind (indexes, ids, manifest) and what it refuses to overwrite.</summary>
public sealed class PostgresBulkLoaderLifecycleTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RegistrySeeder Seeder => new(new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero)));

    [Fact]
    public async Task CompleteAsync_AfterLoad_BuildsTheIndexesContinuesIdsAndRecordsTheManifest()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);

        var seeded = await Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(500, Seed, false, Today, BatchSize: 200), null, Ct);

        var names = string.Join(",", PostgresRegistrySchema.IndexNames.Select(n => $"'{n}'"));
        Assert.Equal(PostgresRegistrySchema.IndexNames.Count,
            await ScalarAsync(connectionString, $"SELECT count(*) FROM pg_indexes WHERE schemaname = 'registry' AND indexname IN ({names})"));
        Assert.Equal(seeded.Violations, await ScalarAsync(connectionString, "SELECT max(id) FROM registry.violations"));
        Assert.Equal(seeded.Violations + 1, await ScalarAsync(connectionString, """
            INSERT INTO registry.violations (occur_unix_ms, place, code, description, points, fine_yuan, plate_type, plate_number, state, source)
            VALUES (0, 'p', 'c', 'd', 0, 0, 2, 'TEST1', 1, 1) RETURNING id
            """));
        Assert.Equal(0, await ScalarAsync(connectionString, "SELECT seq FROM registry.change_counter"));
        Assert.Equal(1, await ScalarAsync(connectionString, "SELECT value::bigint FROM registry.meta WHERE key = 'synthetic'"));
        Assert.Equal(seeded.Violations, await ScalarAsync(connectionString, "SELECT value::bigint FROM registry.meta WHERE key = 'seed_violation_count'"));
        Assert.Equal(1, await ScalarAsync(connectionString, "SELECT value::bigint FROM registry.meta WHERE key = 'seed_completed'"));
    }

    [Fact]
    public async Task SeedAsync_DatabaseWithData_RefusesWithoutForceAndReplacesWithForce()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(50, Seed, false, Today), null, Ct);

        var refused = await Assert.ThrowsAsync<RegistrySeedException>(() =>
            Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(60, Seed + 1, false, Today), null, Ct));
        Assert.Equal(50, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.licenses"));
        var replaced = await Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(60, Seed + 1, true, Today), null, Ct);

        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresTarget.Describe(connectionString), refused.Message, StringComparison.Ordinal);
        Assert.Equal(60, replaced.Licenses);
        Assert.Equal(60, await ScalarAsync(connectionString, "SELECT count(*) FROM registry.licenses"));
        Assert.Equal(0, await ScalarAsync(connectionString, $"SELECT count(*) FROM registry.licenses WHERE license_number = '{SyntheticRegistry.LicenseNumber(Seed, 0)}'"));
        Assert.Equal(replaced.Violations, await ScalarAsync(connectionString, "SELECT max(id) FROM registry.violations"));
        Assert.Equal(Seed + 1, await ScalarAsync(connectionString, "SELECT value::bigint FROM registry.meta WHERE key = 'seed'"));
    }

    [Fact]
    public async Task SeedAsync_ForcedOverAFollowedFeed_KeepsTheChangeSequencesFromGoingBack()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(50, Seed, false, Today), null, Ct);
        // Two writes as the store makes them: numbers from the counter row, the feed's rows beside them.
        await PostgresCluster.ExecuteAsync(connectionString, """
            UPDATE registry.change_counter SET seq = seq + 2 WHERE id = 1;
            INSERT INTO registry.changes (seq, kind, key, change_unix_ms) VALUES (1, 1, 'A', 0), (2, 1, 'B', 0);
            """, Ct);

        await Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(60, Seed + 1, true, Today), null, Ct);

        // A follower that has seen 2 must see the next write above it: the counter and the store's
        // GetLatestChangeSequence (the feed's newest row) stay where they were, and the next number is 3.
        Assert.Equal(2, await ScalarAsync(connectionString, "SELECT seq FROM registry.change_counter"));
        Assert.Equal(2, await ScalarAsync(connectionString, "SELECT coalesce(max(seq), 0) FROM registry.changes"));
        Assert.Equal(3, await ScalarAsync(connectionString, "UPDATE registry.change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq"));
    }

    [Fact]
    public async Task HasDataAsync_NewOrMigratedEmptyDatabase_IsFalse()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using (var fresh = new PostgresBulkLoader(connectionString))
        {
            Assert.False(await fresh.HasDataAsync(Ct));
        }

        // As a server leaves it after its first start: the schema migrated, no rows.
        await using (var source = PostgresDataSources.Build(connectionString))
        {
            await PostgresMigrator.MigrateAsync(source, PostgresRegistrySchema.Name, PostgresRegistrySchema.Migrations, Ct);
        }

        await using var migrated = new PostgresBulkLoader(connectionString);
        Assert.False(await migrated.HasDataAsync(Ct));
    }

    [Fact]
    public async Task SeedAsync_NewerSchemaVersion_RefusesEvenWithForce()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using (var source = PostgresDataSources.Build(connectionString))
        {
            await PostgresMigrator.MigrateAsync(source, PostgresRegistrySchema.Name, PostgresRegistrySchema.Migrations, Ct);
        }

        await PostgresCluster.ExecuteAsync(connectionString,
            "INSERT INTO registry.schema_migrations (version, description) VALUES (99, 'from a newer build')", Ct);
        await using (var loader = new PostgresBulkLoader(connectionString))
        {
            Assert.True(await loader.HasDataAsync(Ct));
        }

        var refused = await Assert.ThrowsAsync<RegistrySeedException>(() =>
            Seeder.SeedAsync(new PostgresBulkLoader(connectionString), new SeedOptions(10, Seed, true, Today), null, Ct));

        Assert.Contains("version 99", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HasDataAsync_ForeignTablesInTheRegistrySchema_IsTrue()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await PostgresCluster.ExecuteAsync(connectionString, "CREATE SCHEMA registry; CREATE TABLE registry.somebody_elses (id int)", Ct);

        await using var loader = new PostgresBulkLoader(connectionString);

        Assert.True(await loader.HasDataAsync(Ct));
    }
}
