using System.Globalization;
using ELicense.Server.Registry.Seeding;
using Microsoft.Data.Sqlite;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// Seeds a new registry file as fast as SQLite allows: one connection in exclusive mode, no journal and
/// no fsync during the load, one transaction per batch, prepared inserts (<see cref="SqliteBulkInserts"/>),
/// secondary indexes built after the rows. The finished file is switched to WAL for serving and carries
/// <c>synthetic = 1</c> in its <c>meta</c> table.
/// </summary>
public sealed class SqliteBulkLoader(string path) : IRegistryBulkLoader
{
    private readonly string _path = Path.GetFullPath(path);
    private SqliteConnection? _connection;
    private SqliteBulkInserts? _inserts;

    public string Target => _path;

    /// <summary>
    /// True when the file exists and holds licences, vehicles or violations, or anything that is not an
    /// empty registry (another database, a file that is not SQLite at all).
    /// </summary>
    public async Task<bool> HasDataAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path) || new FileInfo(_path).Length == 0)
        {
            return false;
        }

        try
        {
            return await HasRowsAsync(cancellationToken);
        }
        catch (SqliteException)
        {
            return true; // not a database we can read: treat as precious
        }
    }

    public async Task CreateAsync(SeedManifest manifest, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        foreach (var suffix in (string[])["", "-wal", "-shm", "-journal"])
        {
            File.Delete(_path + suffix);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        await _connection.OpenAsync(cancellationToken);
        await ExecuteAsync(_connection, """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE;
            PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = -262144;
            """, cancellationToken);
        // A new file (the old one was deleted above): the tables are already this build's version, nothing to upgrade.
        await ExecuteAsync(_connection, SqliteRegistrySchema.Tables + SqliteRegistrySchema.SchemaVersionRow, cancellationToken);
        await WriteMetaAsync(_connection, cancellationToken,
            ("synthetic", "1"),
            ("seed", manifest.Seed.ToString(CultureInfo.InvariantCulture)),
            ("seed_today", manifest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("seed_license_count", manifest.LicenseCount.ToString(CultureInfo.InvariantCulture)),
            ("seed_started_unix_ms", manifest.StartedUnixMs.ToString(CultureInfo.InvariantCulture)));
        _inserts = new SqliteBulkInserts(_connection);
    }

    public async Task<SeedCounts> WriteBatchAsync(SeedBatch batch, CancellationToken cancellationToken)
    {
        var (connection, inserts) = Open();
        using var transaction = connection.BeginTransaction();
        inserts.Enlist(transaction);
        var counts = await inserts.WriteAsync(batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        inserts.Enlist(null);
        return counts;
    }

    public async Task<long> CompleteAsync(SeedCounts totals, CancellationToken cancellationToken)
    {
        var (connection, _) = Open();
        await ExecuteAsync(connection, SqliteRegistrySchema.Indexes, cancellationToken);
        await ExecuteAsync(connection, "PRAGMA analysis_limit = 1000; ANALYZE;", cancellationToken);
        await WriteMetaAsync(connection, cancellationToken,
            ("seed_vehicle_count", totals.Vehicles.ToString(CultureInfo.InvariantCulture)),
            ("seed_violation_count", totals.Violations.ToString(CultureInfo.InvariantCulture)),
            ("seed_completed", "1"));
        await DisposeAsync();

        // A fresh connection (the loader held the file exclusively) switches the file to WAL for serving.
        await using (var serving = new SqliteConnection(SqliteRegistryStore.BuildConnectionString(_path, 5000)))
        {
            await serving.OpenAsync(cancellationToken);
            await ExecuteAsync(serving, "PRAGMA journal_mode = WAL;", cancellationToken);
        }

        return new FileInfo(_path).Length;
    }

    public async ValueTask DisposeAsync()
    {
        _inserts?.Dispose();
        _inserts = null;
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    private (SqliteConnection Connection, SqliteBulkInserts Inserts) Open() =>
        _connection is not null && _inserts is not null
            ? (_connection, _inserts)
            : throw new InvalidOperationException("CreateAsync must run first.");

    private async Task<bool> HasRowsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
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

        command.CommandText = SqliteRegistrySchema.HasData;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! != 0;
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
