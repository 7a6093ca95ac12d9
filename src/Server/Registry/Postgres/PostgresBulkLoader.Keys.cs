using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// The primary keys, dropped for the load and added back after it. Licence numbers and plates arrive in
/// random order: inserting them one by one into a b-tree costs two to five times the COPY itself
/// (measured: 1 M licences 19 s with the key, 3.6 s without plus 3.9 s to add it), while adding the key
/// after the load is one sorted build that also checks uniqueness.
/// </summary>
/// <remarks>
/// The definitions are read from the catalog (whatever the migrations made them) and recorded in
/// <c>registry.meta</c> in the transaction that drops them, so that a seed cut short before it added them
/// back leaves the next seed (<c>--force</c>) what it needs to restore them; completing removes the record.
/// Until then the tables have no keys and no unique indexes, and nothing tells a server so: one started on
/// a seed cut short (its migrator finds version 1) serves the rows loaded so far by full scans, and its
/// upserts fail (<c>ON CONFLICT</c> finds no unique index). Seed again with <c>--force</c> before serving.
/// </remarks>
public sealed partial class PostgresBulkLoader
{
    /// <summary>The meta key holding the keys a seed in progress has dropped (one per line: table, name, definition).</summary>
    internal const string DroppedKeysMetaKey = "seed_dropped_keys";

    private const string ReadKeys = """
        SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
          FROM pg_catalog.pg_constraint
         WHERE contype = 'p'
           AND conrelid IN ('registry.licenses'::regclass, 'registry.vehicles'::regclass, 'registry.violations'::regclass)
         ORDER BY 1
        """;

    private const string ReadDroppedKeys = "SELECT value FROM registry.meta WHERE key = $1";

    /// <summary>A table's primary key as the catalog defines it.</summary>
    private readonly record struct TableKey(string Table, string Name, string Definition)
    {
        public string Drop => $"ALTER TABLE {Table} DROP CONSTRAINT {Name}";

        public string Add => $"ALTER TABLE {Table} ADD CONSTRAINT {Name} {Definition}";

        public override string ToString() => $"{Table}\t{Name}\t{Definition}";

        public static TableKey Parse(string line) => line.Split('\t') is [var table, var name, var definition]
            ? new TableKey(table, name, definition)
            : throw new FormatException($"Malformed {DroppedKeysMetaKey} line in registry.meta.");
    }

    private IReadOnlyList<TableKey> _keys = [];

    /// <summary>
    /// Drops the primary keys (in the caller's transaction) and returns the meta record of them: those in
    /// the catalog, and those an earlier, unfinished seed dropped and recorded.
    /// </summary>
    private async Task<string> DropKeysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var present = new List<TableKey>();
        await using (var read = new NpgsqlCommand(ReadKeys, connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                present.Add(new TableKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        await using var pending = new NpgsqlCommand(ReadDroppedKeys, connection) { Parameters = { new NpgsqlParameter<string> { TypedValue = DroppedKeysMetaKey } } };
        var recorded = await pending.ExecuteScalarAsync(cancellationToken) as string ?? "";
        var missing = recorded.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(TableKey.Parse)
            .Where(key => !present.Exists(p => p.Table == key.Table));
        _keys = [.. present, .. missing];

        foreach (var key in present)
        {
            await ExecuteAsync(connection, key.Drop, cancellationToken);
        }

        return string.Join('\n', _keys);
    }

    /// <summary>The statements that add the dropped keys back; first in the index builders' queue (one table each).</summary>
    private IEnumerable<string> AddKeyStatements => _keys.Select(key => key.Add);
}
