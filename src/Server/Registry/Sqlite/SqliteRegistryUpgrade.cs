using Microsoft.Data.Sqlite;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// Brings a registry file written by an older build up to <see cref="SqliteRegistrySchema.Version"/>.
/// <c>CREATE TABLE IF NOT EXISTS</c> leaves an existing table as it is, so a column added since must be
/// added here; SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>, hence the look at the table's columns.
/// Runs inside the caller's transaction, so a failed upgrade leaves the file as it was.
/// </summary>
internal static class SqliteRegistryUpgrade
{
    private const string HasVehicleTypeSql = "SELECT count(*) FROM pragma_table_info('vehicles') WHERE name = 'vehicle_type'";

    // Version 2. Old rows get '' (not recorded), which every reader takes as an unknown type. Adding a
    // column with a constant default only rewrites the table's definition, not its rows.
    private const string AddVehicleTypeSql = "ALTER TABLE vehicles ADD COLUMN vehicle_type TEXT NOT NULL DEFAULT ''";

    private const string StampVersionSql = "UPDATE meta SET value = $version WHERE key = 'schema_version' AND CAST(value AS INTEGER) < $number";

    /// <summary>Adds what is missing; true when it changed the file.</summary>
    public static async Task<bool> ApplyAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
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
        stamp.Parameters.AddWithValue("$version", SqliteRegistrySchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        stamp.Parameters.AddWithValue("$number", SqliteRegistrySchema.Version);
        await stamp.ExecuteNonQueryAsync(cancellationToken);
        return changed;
    }
}
