namespace ELicense.Server.Registry;

/// <summary>The health probe of the SQLite registry.</summary>
public sealed partial class SqliteRegistryStore
{
    // Each query is a primary-key seek (a few pages), whatever the registry's size. Reading the schema
    // version alone, as the probe once did, touches only the small meta table near the start of the file
    // and passed on a registry whose licence and change pages were garbage.
    private const string ProbeMetaSql = "SELECT value FROM meta WHERE key = 'schema_version'";

    private const string ProbeLicenseColumns = "license_number, file_number, holder_name, license_class, status, first_issue_date, " +
        "valid_from_date, valid_until_date, points, issuing_authority, update_unix_ms";

    private const string ProbeFirstLicenseSql = $"SELECT {ProbeLicenseColumns} FROM licenses ORDER BY license_number LIMIT 1";

    private const string ProbeLastLicenseSql = $"SELECT {ProbeLicenseColumns} FROM licenses ORDER BY license_number DESC LIMIT 1";

    // A different leaf on every probe: corruption anywhere in the licence table is found in time, not only at its ends.
    private const string ProbeSampledLicenseSql = $"SELECT {ProbeLicenseColumns} FROM licenses WHERE license_number >= $from ORDER BY license_number LIMIT 1";

    private const string ProbeLatestChangeSql = "SELECT seq, kind, key, change_unix_ms FROM changes ORDER BY seq DESC LIMIT 1";

    private const string ProbeLatestViolationSql = "SELECT * FROM violations ORDER BY id DESC LIMIT 1";

    /// <summary>
    /// Reads the schema version, the first and last licence and one sampled between them, the newest
    /// change and the newest violation, every column of each (a row's columns are decoded only when read).
    /// SQLite reports unreadable pages as SQLITE_CORRUPT or SQLITE_NOTADB, which this lets through.
    /// </summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        WithSessionAsync(async (session, ct) =>
        {
            if (await session.Command(ProbeMetaSql).ExecuteScalarAsync(ct) is null)
            {
                throw new InvalidOperationException("The registry has no schema version.");
            }

            var first = await ReadRowAsync(session.Command(ProbeFirstLicenseSql), ct);
            var last = await ReadRowAsync(session.Command(ProbeLastLicenseSql), ct);
            if (first is not null && last is not null)
            {
                await ReadRowAsync(session.Command(ProbeSampledLicenseSql).Bind("$from", SampleKey(first, last)), ct);
            }

            await ReadRowAsync(session.Command(ProbeLatestChangeSql), ct);
            await ReadRowAsync(session.Command(ProbeLatestViolationSql), ct);
            return true;
        }, cancellationToken);

    /// <summary>Reads every column of the first row, if any; returns its first column as text.</summary>
    private static async Task<string?> ReadRowAsync(Microsoft.Data.Sqlite.SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        for (var i = 0; i < reader.FieldCount; i++)
        {
            _ = reader.GetValue(i);
        }

        return reader.GetValue(0).ToString();
    }

    /// <summary>
    /// A key between <paramref name="first"/> and <paramref name="last"/>: their common prefix, the next
    /// character drawn between theirs, then random digits (licence numbers are digits, with an X check
    /// character at most), so that the seek lands anywhere in the table's key range.
    /// </summary>
    private static string SampleKey(string first, string last)
    {
        var common = 0;
        while (common < first.Length && common < last.Length && first[common] == last[common])
        {
            common++;
        }

        if (common == first.Length || common == last.Length)
        {
            return first;
        }

        return string.Create(first.Length, (first, last, common), static (key, state) =>
        {
            var (first, last, common) = state;
            first.AsSpan(0, common).CopyTo(key);
            key[common] = (char)Random.Shared.Next(first[common], last[common] + 1);
            for (var i = common + 1; i < key.Length; i++)
            {
                key[i] = (char)('0' + Random.Shared.Next(10));
            }
        });
    }
}
