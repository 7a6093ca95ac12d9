using Npgsql;

namespace ELicense.Server.Postgres;

/// <summary>One versioned step of a schema: applied once, in order, never edited after release.</summary>
/// <param name="Version">1, 2, ...: consecutive.</param>
/// <param name="Description">What it does, stored beside its version.</param>
/// <param name="Sql">The statements; they run in the migrating transaction.</param>
public sealed record PostgresMigration(int Version, string Description, string Sql);

/// <summary>A schema this build cannot serve (newer than it knows, or with versions it does not know).</summary>
public sealed class PostgresSchemaException(string message) : Exception(message);

/// <summary>
/// Brings one component's PostgreSQL schema (the registry's, the audit trail's: each its own
/// <c>CREATE SCHEMA</c>) to the newest version this build knows, safely under concurrent starts.
/// </summary>
/// <remarks>
/// Everything runs in one transaction that first takes a transaction-scoped advisory lock named after the
/// component: replicas starting at once queue on it, the first applies what is missing and commits, the
/// others then find nothing to do. A failure rolls the whole step back (PostgreSQL's DDL is
/// transactional), so a half-applied version never exists. A database whose schema is NEWER than this
/// build (a newer replica migrated it) is refused with a message naming both versions: an older build must
/// not write into tables whose meaning it does not know.
/// </remarks>
public static class PostgresMigrator
{
    /// <summary>
    /// Migrates <paramref name="schema"/> to the last of <paramref name="migrations"/>; returns the versions
    /// applied by this call (empty when another process, or an earlier start, already did).
    /// </summary>
    /// <exception cref="PostgresSchemaException">The stored schema is newer than this build, or not one it knows.</exception>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, string schema,
        IReadOnlyList<PostgresMigration> migrations, CancellationToken cancellationToken)
    {
        CheckSequence(migrations);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken,
            "elicense.migrate." + schema);
        await ExecuteAsync(connection, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                version     integer PRIMARY KEY,
                description text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken);

        var stored = await StoredVersionAsync(connection, transaction, schema, cancellationToken);
        var newest = migrations[^1].Version;
        if (stored > newest)
        {
            throw new PostgresSchemaException(
                $"The {schema} schema in {PostgresTarget.Describe(connection.ConnectionString)} is at version {stored}, newer than this build's {newest}: " +
                "a newer server migrated it. Run a build at least that new (or point this one at another database).");
        }

        var applied = new List<int>();
        foreach (var migration in migrations.Where(m => m.Version > stored))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await ExecuteAsync(connection, transaction, $"INSERT INTO {schema}.schema_migrations (version, description) VALUES ($1, $2)",
                cancellationToken, migration.Version, migration.Description);
            applied.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>The newest version stored in <paramref name="schema"/>, 0 when none; for checks and health.</summary>
    public static async Task<int> StoredVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_migrations", connection, transaction);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static void CheckSequence(IReadOnlyList<PostgresMigration> migrations)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"Migrations must be numbered 1, 2, ... in order; found {migrations[i].Version} at position {i + 1}.",
                    nameof(migrations));
            }
        }

        if (migrations.Count == 0)
        {
            throw new ArgumentException("At least one migration is needed.", nameof(migrations));
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
