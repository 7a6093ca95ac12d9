using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>The bulk loader's SQL texts and the look at what the target database already holds.</summary>
public sealed partial class PostgresBulkLoader
{
    /// <summary>What the <c>registry</c> schema holds before a seed.</summary>
    private readonly record struct Shape(bool SchemaExists, bool VersionTableExists, bool RegistryTablesExist, long OtherTables);

    private const string ReadShape = """
        SELECT to_regnamespace('registry') IS NOT NULL,
               to_regclass('registry.schema_migrations') IS NOT NULL,
               to_regclass('registry.licenses') IS NOT NULL AND to_regclass('registry.vehicles') IS NOT NULL
                   AND to_regclass('registry.violations') IS NOT NULL,
               (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'registry' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations')
        """;

    private const string HasRows = """
        SELECT EXISTS (SELECT 1 FROM registry.licenses) OR EXISTS (SELECT 1 FROM registry.vehicles)
            OR EXISTS (SELECT 1 FROM registry.violations)
        """;

    /// <summary>
    /// A new, empty registry: no rows, violation ids from 1, and no manifest of an earlier seed. TRUNCATE
    /// takes an exclusive lock: a server still reading waits, or makes the seed wait.
    /// </summary>
    /// <remarks>
    /// The change feed (<c>registry.changes</c> and <c>registry.change_counter</c>) is kept as it is: its
    /// sequences must never go backwards. A server following the feed across a forced seed, or a Redis copy
    /// stamped with a sequence read before it, would otherwise take the new changes (1, 2, ... again, below
    /// what it has seen) as already applied and serve the copy as current for ever: VALID for a licence
    /// revoked after the seed. Keeping the rows also keeps the latest visible sequence where it was.
    /// </remarks>
    private const string Empty = """
        TRUNCATE registry.licenses, registry.vehicles, registry.violations RESTART IDENTITY;
        DELETE FROM registry.meta;

        """;

    /// <summary>
    /// The secondary indexes go before the load and come back once after it: one sorted build per index
    /// is far cheaper than maintaining six b-trees row by row.
    /// </summary>
    private static readonly string DropIndexes =
        string.Concat(PostgresRegistrySchema.IndexNames.Select(name => $"DROP INDEX IF EXISTS registry.{name};\n"));

    /// <summary>The identity's next value goes past the explicit seeded ids, so that new violations continue after them.</summary>
    private const string ContinueIds = """
        SELECT setval(pg_get_serial_sequence('registry.violations', 'id'), coalesce(max(id), 0) + 1, false) FROM registry.violations;

        """;

    private const string UpsertMeta = """
        INSERT INTO registry.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """;

    private const string DeleteMeta = "DELETE FROM registry.meta WHERE key = $1";

    /// <summary>
    /// The registry's size: every table of the <c>registry</c> schema with its indexes and TOAST
    /// (<c>pg_total_relation_size</c>), comparable to the SQLite file; not the database's catalog or other schemas.
    /// </summary>
    private const string RegistrySize = """
        SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'registry' AND c.relkind = 'r'
        """;

    private static async Task<Shape> ReadShapeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadShape, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Shape(reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetInt64(3));
    }

    private static async Task WriteMetaAsync(NpgsqlConnection connection, CancellationToken cancellationToken, params (string Key, string Value)[] rows)
    {
        foreach (var (key, value) in rows)
        {
            await using var command = new NpgsqlCommand(UpsertMeta, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
