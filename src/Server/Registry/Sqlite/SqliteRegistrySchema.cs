namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// The registry's SQLite schema. Shared by the store (which creates it on start) and the seeder (which
/// creates the tables first and the secondary indexes after the bulk load).
/// </summary>
/// <remarks>
/// Storage conventions: dates are <c>yyyymmdd</c> integers (readable in the sqlite3 shell, 4 bytes);
/// instants are Unix milliseconds; enums are their proto numbers; vehicle statuses are a bitmask with
/// bit <c>n</c> set for status number <c>n</c>. A violation's public id is derived from its row id
/// (<see cref="RegistryMapping.FormatViolationId"/>), so it needs no column or index of its own.
/// </remarks>
internal static class SqliteRegistrySchema
{
    /// <summary>2 added <c>vehicles.vehicle_type</c> (see <see cref="SqliteRegistryUpgrade"/>).</summary>
    public const int Version = 2;

    /// <summary>State number of an unprocessed violation, written as a literal so that partial indexes apply.</summary>
    public const int Unprocessed = 1;

    public const string Tables = """
        CREATE TABLE IF NOT EXISTS meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS licenses (
            license_number    TEXT PRIMARY KEY,
            file_number       TEXT NOT NULL,
            holder_name       TEXT NOT NULL,
            license_class     TEXT NOT NULL,
            status            INTEGER NOT NULL,
            first_issue_date  INTEGER,
            valid_from_date   INTEGER,
            valid_until_date  INTEGER,
            points            INTEGER NOT NULL,
            issuing_authority TEXT NOT NULL,
            update_unix_ms    INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS vehicles (
            plate_type             INTEGER NOT NULL,
            plate_number           TEXT NOT NULL,
            vin                    TEXT NOT NULL,
            owner_name             TEXT NOT NULL,
            model                  TEXT NOT NULL,
            statuses               INTEGER NOT NULL,
            inspection_valid_until INTEGER,
            insurance_valid_until  INTEGER,
            update_unix_ms         INTEGER NOT NULL,
            vehicle_type           TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (plate_type, plate_number)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS violations (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            occur_unix_ms  INTEGER NOT NULL,
            place          TEXT NOT NULL,
            code           TEXT NOT NULL,
            description    TEXT NOT NULL,
            points         INTEGER NOT NULL,
            fine_yuan      INTEGER NOT NULL,
            plate_type     INTEGER NOT NULL,
            plate_number   TEXT NOT NULL,
            license_number TEXT,
            state          INTEGER NOT NULL,
            source         INTEGER NOT NULL,
            request_id     TEXT
        );

        CREATE TABLE IF NOT EXISTS changes (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            kind           INTEGER NOT NULL,
            key            TEXT NOT NULL,
            change_unix_ms INTEGER NOT NULL
        );
        """;

    /// <summary>Secondary indexes; the seeder builds them after loading, the store with the tables.</summary>
    public const string Indexes = """
        CREATE UNIQUE INDEX IF NOT EXISTS ux_vehicles_vin ON vehicles (vin);

        CREATE UNIQUE INDEX IF NOT EXISTS ux_violations_request_id ON violations (request_id)
            WHERE request_id IS NOT NULL;

        CREATE INDEX IF NOT EXISTS ix_violations_license ON violations (license_number, occur_unix_ms DESC, id DESC)
            WHERE license_number IS NOT NULL;

        CREATE INDEX IF NOT EXISTS ix_violations_plate ON violations (plate_type, plate_number, occur_unix_ms DESC, id DESC);

        -- Covering partial indexes: the unprocessed totals of a licence or plate never touch the table.
        CREATE INDEX IF NOT EXISTS ix_violations_license_unprocessed ON violations (license_number, points, fine_yuan)
            WHERE state = 1 AND license_number IS NOT NULL;

        CREATE INDEX IF NOT EXISTS ix_violations_plate_unprocessed ON violations (plate_type, plate_number, points, fine_yuan)
            WHERE state = 1;
        """;

    public const string SchemaVersionRow = "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '2');";

    /// <summary>True when the registry holds any licence, vehicle or violation.</summary>
    public const string HasData = """
        SELECT EXISTS (SELECT 1 FROM licenses) OR EXISTS (SELECT 1 FROM vehicles) OR EXISTS (SELECT 1 FROM violations);
        """;
}
