using ELicense.Server.Postgres;

namespace ELicense.Server.Registry.Postgres;

/// <summary>The registry schema's migrations, in order: the tables of version 1, then each change since.</summary>
internal static partial class PostgresRegistrySchema
{
    /// <summary>Every version, oldest first. Append; never edit one that has shipped.</summary>
    public static readonly IReadOnlyList<PostgresMigration> Migrations =
    [
        new(1, "licences, vehicles, violations, the change feed and its counter", Tables + Indexes),
        // Rows written before carry '' (not recorded), which every reader takes as an unknown type. A
        // constant default adds the column without rewriting the table (PostgreSQL 11+), so a large
        // registry migrates in milliseconds under the migration's lock. That lock (ACCESS EXCLUSIVE) queues
        // behind any open transaction on the table and every later reader queues behind it, so a replica
        // starting under load would stall the registry: it waits 3 s at most (SET LOCAL: this transaction
        // only), then fails the start with a message naming the migration, and is simply started again.
        // IF NOT EXISTS: a column added by hand (or by an interrupted manual fix) is not an error when it
        // has this shape; one of another shape (a number, nullable, another collation) would pass IF NOT
        // EXISTS silently and break reads later, so the migration checks it and fails the start naming it.
        // (Editing this shipped migration is safe: it only adds a check, and a registry that ran it is not
        // run again.)
        new(2, "vehicles.vehicle_type (GA 802 code; '' = not recorded)", """
            SET LOCAL lock_timeout = '3s';
            DO $$
            BEGIN
                ALTER TABLE registry.vehicles ADD COLUMN IF NOT EXISTS vehicle_type text COLLATE "C" NOT NULL DEFAULT '';
            EXCEPTION WHEN lock_not_available THEN
                RAISE EXCEPTION 'Registry migration 2 (vehicles.vehicle_type) could not lock registry.vehicles within 3 s: other sessions are using the table. Start this server again, at a quieter time if it keeps failing.'
                    USING ERRCODE = 'lock_not_available';
            END
            $$;
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                               WHERE table_schema = 'registry' AND table_name = 'vehicles' AND column_name = 'vehicle_type'
                                 AND data_type = 'text' AND is_nullable = 'NO' AND collation_name = 'C') THEN
                    RAISE EXCEPTION 'Registry migration 2: registry.vehicles.vehicle_type exists but is not text COLLATE "C" NOT NULL (added by hand?). Drop or fix that column, then start this server again.'
                        USING ERRCODE = 'invalid_table_definition';
                END IF;
            END
            $$;
            -- Back to the server's setting for whatever else this start's transaction applies (SET LOCAL lasts till its end).
            SET LOCAL lock_timeout TO DEFAULT;
            """),
    ];
}
