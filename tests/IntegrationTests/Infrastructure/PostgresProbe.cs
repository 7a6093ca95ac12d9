using System.Text;
using Npgsql;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// What a test reads from or does to a PostgreSQL database behind the server's back, on connections of its
/// own (no pooling: each one ends when its handle is disposed).
/// </summary>
public static class PostgresProbe
{
    /// <summary>A connection of the test's own, open, outside every pool.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> with positional parameters and returns the first column of the first row.</summary>
    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary><see cref="ScalarAsync{T}(NpgsqlConnection, string, object[])"/> on a connection of its own.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = await OpenAsync(connectionString);
        return await ScalarAsync<T>(connection, sql, parameters);
    }

    /// <summary>Server backends (not <paramref name="except"/>) of this database waiting for a lock right now.</summary>
    public static Task<long> WaitingOnLocksAsync(string connectionString, int except) => ScalarAsync<long>(connectionString,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1", except);

    /// <summary>
    /// Rows of every table outside the registry's and the system's schemas (the audit trail's) that hold
    /// <paramref name="text"/>, in clear or as the hex of its UTF-8 bytes (how <c>bytea</c> prints); and how many
    /// rows those tables hold in all, so that an empty or missing trail cannot pass for a clean one.
    /// </summary>
    public static async Task<(long Holding, long Rows)> TrailRowsHoldingAsync(string connectionString, string text)
    {
        await using var connection = await OpenAsync(connectionString);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' " +
            "AND table_schema NOT IN ('registry', 'information_schema') AND table_schema NOT LIKE 'pg\\_%'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var hex = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
        long holding = 0, rows = 0;
        foreach (var table in tables)
        {
            // Table names come from the catalog, quoted by format(%I): no caller text is spliced into SQL.
            holding += await ScalarAsync<long>(connection, $"SELECT count(*) FROM {table} AS r WHERE strpos(r::text, $1) > 0 OR strpos(r::text, $2) > 0", text, hex);
            rows += await ScalarAsync<long>(connection, $"SELECT count(*) FROM {table}");
        }

        return (holding, rows);
    }
}
