using Npgsql;
using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Postgres;

/// <summary>The health probe of the PostgreSQL registry.</summary>
public sealed partial class PostgresRegistryStore
{
    // As SQLite's probe: real rows, not only metadata (a server that answers "SELECT 1" may still have lost
    // or damaged the registry's relations), each query an index seek with a LIMIT, whatever the size.
    private const string ProbeSchemaSql = "SELECT version FROM registry.schema_migrations ORDER BY version DESC LIMIT 1";

    private const string ProbeFirstLicenseSql = $"SELECT {LicenseColumns} FROM registry.licenses ORDER BY license_number LIMIT 1";

    private const string ProbeLastLicenseSql = $"SELECT {LicenseColumns} FROM registry.licenses ORDER BY license_number DESC LIMIT 1";

    // The next stretch of the table on every probe, wrapping at the end, so the whole licence table is
    // read in turn at a bounded cost per probe.
    private const int ProbeSweepRows = 100;

    private const string ProbeSweepSql = $"SELECT {LicenseColumns} FROM registry.licenses WHERE license_number > $1 ORDER BY license_number LIMIT $2";

    private const string ProbeLatestChangeSql = "SELECT seq, kind, key, change_unix_ms FROM registry.changes ORDER BY seq DESC LIMIT 1";

    private const string ProbeLatestViolationSql = "SELECT * FROM registry.violations ORDER BY id DESC LIMIT 1";

    // Where the sweep goes on; only the health check pings, one probe at a time (a race would only repeat a stretch).
    private string _probeSweepAfter = "";

    /// <summary>
    /// Reads the schema version, the first and last licence, the next <see cref="ProbeSweepRows"/> licences
    /// of the sweep, the newest change and the newest violation, every column of each row, in one batch
    /// (one round trip). A lost connection, a missing relation or a damaged page surfaces as an exception.
    /// </summary>
    private async Task PingCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ProbeSchemaSql),
                new NpgsqlBatchCommand(ProbeFirstLicenseSql),
                new NpgsqlBatchCommand(ProbeLastLicenseSql),
                new NpgsqlBatchCommand(ProbeSweepSql)
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = _probeSweepAfter }, new NpgsqlParameter<long> { TypedValue = ProbeSweepRows } },
                },
                new NpgsqlBatchCommand(ProbeLatestChangeSql),
                new NpgsqlBatchCommand(ProbeLatestViolationSql),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var (schemaRows, _) = await ReadRowsAsync(reader, cancellationToken);
        if (schemaRows == 0)
        {
            throw new InvalidOperationException("The registry has no schema version.");
        }

        for (var result = 1; result < batch.BatchCommands.Count; result++)
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("The registry probe returned fewer results than it asked for.");
            }

            var (rows, lastKey) = await ReadRowsAsync(reader, cancellationToken);
            if (result == 3)
            {
                _probeSweepAfter = rows < ProbeSweepRows ? "" : lastKey!;
            }
        }
    }

    /// <summary>Reads every column of every row of the current result; returns the row count and the last row's first column as text.</summary>
    private static async Task<(int Rows, string? LastKey)> ReadRowsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var rows = 0;
        string? lastKey = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                _ = reader.GetValue(i);
            }

            lastKey = reader.GetValue(0).ToString();
        }

        return (rows, lastKey);
    }
}
