using ELicense.Server.Postgres;
using ELicense.Testing;
using Npgsql;
using Xunit;

namespace ELicense.Server.Tests.Postgres;

/// <summary>Versioned migrations on a real, throwaway PostgreSQL: once, in order, under concurrent starts, never backwards.</summary>
public sealed class PostgresMigratorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PostgresMigration[] Two =
    [
        new(1, "a table", "CREATE TABLE t_schema.items (id integer PRIMARY KEY);"),
        new(2, "a column", "ALTER TABLE t_schema.items ADD COLUMN name text;"),
    ];

    [Fact]
    public async Task MigrateAsync_ConcurrentStarts_AppliesEachVersionOnce()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        var sources = Enumerable.Range(0, 6).Select(_ => PostgresDataSources.Build(connectionString)).ToList();
        try
        {
            var applied = await Task.WhenAll(sources.Select(source =>
                Task.Run(() => PostgresMigrator.MigrateAsync(source, "t_schema", Two, Ct), Ct)));

            Assert.Equal([1, 2], applied.SelectMany(versions => versions).Order());
            await using var connection = await sources[0].OpenConnectionAsync(Ct);
            Assert.Equal(2, await PostgresMigrator.StoredVersionAsync(connection, null, "t_schema", Ct));
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task MigrateAsync_OlderSchema_AppliesOnlyTheMissingVersions()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var source = PostgresDataSources.Build(connectionString);

        Assert.Equal([1], await PostgresMigrator.MigrateAsync(source, "t_schema", Two[..1], Ct));
        Assert.Equal([2], await PostgresMigrator.MigrateAsync(source, "t_schema", Two, Ct));
        Assert.Empty(await PostgresMigrator.MigrateAsync(source, "t_schema", Two, Ct));
    }

    [Fact]
    public async Task MigrateAsync_NewerSchema_RefusesNamingBothVersions()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var source = PostgresDataSources.Build(connectionString);
        await PostgresMigrator.MigrateAsync(source, "t_schema", Two, Ct);

        var refused = await Assert.ThrowsAsync<PostgresSchemaException>(() => PostgresMigrator.MigrateAsync(source, "t_schema", Two[..1], Ct));

        Assert.Contains("version 2", refused.Message, StringComparison.Ordinal);
        Assert.Contains("build's 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_FailingStep_LeavesNoHalfAppliedVersion()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var source = PostgresDataSources.Build(connectionString);
        PostgresMigration[] broken = [Two[0], new(2, "broken", "ALTER TABLE t_schema.items ADD COLUMN name text; SELECT 1/0;")];

        await Assert.ThrowsAsync<PostgresException>(() => PostgresMigrator.MigrateAsync(source, "t_schema", broken, Ct));

        // Nothing of either version stayed: the schema, its table and the version rows all rolled back.
        Assert.Equal([1, 2], await PostgresMigrator.MigrateAsync(source, "t_schema", Two, Ct));
    }
}
