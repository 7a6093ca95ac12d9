using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// Brings a registry file written by an older build up to <see cref="SqliteRegistrySchema.Version"/>, and
/// refuses one written by a newer build. <c>CREATE TABLE IF NOT EXISTS</c> leaves an existing table as it
/// is, so a column added since must be added here; SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>, hence
/// the look at the table's columns. Runs inside the store's start-up transaction (after the tables, before
/// the indexes, which may name new columns), so a failed upgrade leaves the file as it was.
/// </summary>
internal static class SqliteRegistryUpgrade
{
    private const string SelectVersionSql = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'";

    private const string HasVehicleTypeSql = "SELECT count(*) FROM pragma_table_info('vehicles') WHERE name = 'vehicle_type'";

    // Version 2. Old rows get '' (not recorded), which every reader takes as an unknown type. Adding a
    // column with a constant default only rewrites the table's definition, not its rows.
    private const string AddVehicleTypeSql = "ALTER TABLE vehicles ADD COLUMN vehicle_type TEXT NOT NULL DEFAULT ''";

    private const string StampVersionSql = "UPDATE meta SET value = $version WHERE key = 'schema_version' AND CAST(value AS INTEGER) < $number";

    /// <summary>Adds what is missing; true when it changed the file.</summary>
    /// <exception cref="InvalidOperationException">The file's schema is newer than this build's.</exception>
    public static async Task<bool> ApplyAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        // A newer build may have changed what a column means; this one writing into it could corrupt the
        // registry for that build, so it refuses to start (as PostgresMigrator does for its schemas).
        await using (var read = new SqliteCommand(SelectVersionSql, connection, transaction))
        {
            if (await read.ExecuteScalarAsync(cancellationToken) is long stored && stored > SqliteRegistrySchema.Version)
            {
                throw new InvalidOperationException(
                    $"The registry file {connection.DataSource} is at schema version {stored}, newer than this build's {SqliteRegistrySchema.Version}: " +
                    "a newer server wrote it. Run a build at least that new (or point this one at another file).");
            }
        }

        var changed = false;
        await using (var check = new SqliteCommand(HasVehicleTypeSql, connection, transaction))
        {
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                await using var add = new SqliteCommand(AddVehicleTypeSql, connection, transaction);
                await add.ExecuteNonQueryAsync(cancellationToken);
                changed = true;
            }
        }

        await using var stamp = new SqliteCommand(StampVersionSql, connection, transaction);
        stamp.Parameters.AddWithValue("$version", SqliteRegistrySchema.Version.ToString(CultureInfo.InvariantCulture));
        stamp.Parameters.AddWithValue("$number", SqliteRegistrySchema.Version);
        return await stamp.ExecuteNonQueryAsync(cancellationToken) > 0 || changed;
    }
}
