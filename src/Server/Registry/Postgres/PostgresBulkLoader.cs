using System.Globalization;
using ELicense.Server.Postgres;
using ELicense.Server.Registry.Seeding;
using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// Seeds the registry's PostgreSQL schema as fast as PostgreSQL allows: the schema migrated as the server
/// would, the tables emptied and their indexes dropped, one binary COPY per table per batch
/// (<see cref="PostgresBulkCopy"/>), one transaction per batch, then the indexes built once over the
/// loaded rows, the violation id sequence moved past the seeded ids, and statistics taken. The manifest
/// (<c>synthetic = 1</c>, seed, day, counts) goes to <c>registry.meta</c>, as the SQLite file records it.
/// </summary>
/// <remarks>
/// One connection from its own data source (<see cref="PostgresDataSources.Build"/>: a one-shot command)
/// loads the rows; the index build and ANALYZE use a few more side by side. The tables stay LOGGED: loading
/// them UNLOGGED and switching them to LOGGED after rewrites each table into the WAL anyway (as much WAL,
/// more work, measured), and a seed cut short would leave tables that a crash empties. The primary keys go
/// for the load too and come back first after it (<c>PostgresBulkLoader.Keys</c>); adding them back checks
/// that no key collides, so a seed with duplicate keys fails rather than serves.
/// </remarks>
public sealed partial class PostgresBulkLoader(string connectionString) : IRegistryBulkLoader
{
    private readonly NpgsqlDataSource _dataSource = PostgresDataSources.Build(WithoutCommandTimeout(connectionString));
    private readonly PostgresBulkCopy _copy = new();
    private NpgsqlConnection? _connection;

    /// <summary>postgres://host:port/database: never the user or password.</summary>
    public string Target { get; } = PostgresTarget.Describe(connectionString);

    /// <summary>
    /// True when the registry tables hold a licence, vehicle or violation, or the <c>registry</c> schema
    /// holds something this build cannot read (a newer schema version, tables without version rows).
    /// </summary>
    public async Task<bool> HasDataAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var shape = await ReadShapeAsync(connection, cancellationToken);
        if (!shape.SchemaExists)
        {
            return false;
        }

        if (!shape.VersionTableExists)
        {
            return shape.OtherTables > 0;
        }

        var stored = await PostgresMigrator.StoredVersionAsync(connection, null, PostgresRegistrySchema.Name, cancellationToken);
        if (stored > PostgresRegistrySchema.Migrations[^1].Version)
        {
            return true; // a newer server's schema: not ours to replace
        }

        if (!shape.RegistryTablesExist)
        {
            return shape.OtherTables > 0;
        }

        await using var command = new NpgsqlCommand(HasRows, connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CreateAsync(SeedManifest manifest, CancellationToken cancellationToken)
    {
        try
        {
            await PostgresMigrator.MigrateAsync(_dataSource, PostgresRegistrySchema.Name, PostgresRegistrySchema.Migrations, cancellationToken);
        }
        catch (PostgresSchemaException e)
        {
            // Even with --force: replacing a newer schema's tables would leave it at a version that lies.
            throw new RegistrySeedException(e.Message);
        }

        _connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        var droppedKeys = await DropKeysAsync(_connection, cancellationToken);
        await ExecuteAsync(_connection, Empty + DropIndexes, cancellationToken);
        await WriteMetaAsync(_connection, cancellationToken,
            (DroppedKeysMetaKey, droppedKeys),
            ("synthetic", "1"),
            ("seed", manifest.Seed.ToString(CultureInfo.InvariantCulture)),
            ("seed_today", manifest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("seed_license_count", manifest.LicenseCount.ToString(CultureInfo.InvariantCulture)),
            ("seed_started_unix_ms", manifest.StartedUnixMs.ToString(CultureInfo.InvariantCulture)));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<SeedCounts> WriteBatchAsync(SeedBatch batch, CancellationToken cancellationToken)
    {
        var connection = Open();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var counts = await _copy.WriteAsync(connection, batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return counts;
    }

    public async Task<long> CompleteAsync(SeedCounts totals, CancellationToken cancellationToken)
    {
        var connection = Open();
        await BuildIndexesAsync(cancellationToken);
        await ExecuteAsync(connection, ContinueIds, cancellationToken);
        await AnalyzeAsync(cancellationToken);
        await WriteMetaAsync(connection, cancellationToken,
            ("seed_vehicle_count", totals.Vehicles.ToString(CultureInfo.InvariantCulture)),
            ("seed_violation_count", totals.Violations.ToString(CultureInfo.InvariantCulture)),
            ("seed_completed", "1"));
        await using (var done = new NpgsqlCommand(DeleteMeta, connection))
        {
            done.Parameters.Add(new NpgsqlParameter<string> { TypedValue = DroppedKeysMetaKey });
            await done.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var size = new NpgsqlCommand(RegistrySize, connection);
        return (long)(await size.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }

        await _dataSource.DisposeAsync();
    }

    /// <summary>
    /// The seed's statements run as long as they need: building 10 M licences' indexes takes minutes, far
    /// beyond Npgsql's default 30 s command timeout (which would cut the build and fail the seed). Ctrl+C
    /// still cancels.
    /// </summary>
    private static string WithoutCommandTimeout(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;

    private NpgsqlConnection Open() => _connection ?? throw new InvalidOperationException("CreateAsync must run first.");
}
