using static ELicense.Server.Registry.RegistryRows;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>The health probe of the SQLite registry.</summary>
public sealed partial class SqliteRegistryStore
{
    // Each query is a primary-key seek (a few pages; the sweep a few leaves), whatever the registry's size.
    // Reading the schema version alone, as the probe once did, touches only the small meta table near the
    // start of the file and passed on a registry whose licence and change pages were garbage.
    private const string ProbeMetaSql = "SELECT value FROM meta WHERE key = 'schema_version'";

    private const string ProbeFirstLicenseSql = $"SELECT {LicenseColumns} FROM licenses ORDER BY license_number LIMIT 1";

    private const string ProbeLastLicenseSql = $"SELECT {LicenseColumns} FROM licenses ORDER BY license_number DESC LIMIT 1";

    // The next stretch of the table on every probe, wrapping at the end: the whole licence table is read
    // in turn, at a bounded cost per probe, so corruption anywhere in it is found, not only at its ends.
    // (A random key would not do: licence numbers cluster by region, and seeks land at the clusters' edges.)
    private const int ProbeSweepRows = 100;

    private const string ProbeSweepSql = $"SELECT {LicenseColumns} FROM licenses WHERE license_number > $after ORDER BY license_number LIMIT $limit";

    private const string ProbeLatestChangeSql = "SELECT seq, kind, key, change_unix_ms FROM changes ORDER BY seq DESC LIMIT 1";

    private const string ProbeLatestViolationSql = "SELECT * FROM violations ORDER BY id DESC LIMIT 1";

    // Where the sweep goes on; only the health check pings, one probe at a time (a race would only repeat a stretch).
    private string _probeSweepAfter = "";

    /// <summary>
    /// Reads the schema version, the first and last licence, the next <see cref="ProbeSweepRows"/> licences
    /// of the sweep, the newest change and the newest violation, every column of each row (a row's columns
    /// are decoded only when read). SQLite reports unreadable pages as SQLITE_CORRUPT or SQLITE_NOTADB,
    /// which this lets through.
    /// </summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) =>
        {
            if (await session.Command(ProbeMetaSql).ExecuteScalarAsync(ct) is null)
            {
                throw new InvalidOperationException("The registry has no schema version.");
            }

            await ReadRowsAsync(session.Command(ProbeFirstLicenseSql), ct);
            await ReadRowsAsync(session.Command(ProbeLastLicenseSql), ct);
            var (rows, lastKey) = await ReadRowsAsync(session.Command(ProbeSweepSql).Bind("$after", _probeSweepAfter).Bind("$limit", ProbeSweepRows), ct);
            _probeSweepAfter = rows < ProbeSweepRows ? "" : lastKey!;
            await ReadRowsAsync(session.Command(ProbeLatestChangeSql), ct);
            await ReadRowsAsync(session.Command(ProbeLatestViolationSql), ct);
            return true;
        }, cancellationToken);

    /// <summary>Reads every column of every row; returns the row count and the last row's first column as text.</summary>
    private static async Task<(int Rows, string? LastKey)> ReadRowsAsync(Microsoft.Data.Sqlite.SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
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
