using Microsoft.Data.Sqlite;

namespace ELicense.Server.Registry.Sqlite;

/// <summary>
/// SQLite's transient failures: lock contention (SQLITE_BUSY, SQLITE_LOCKED, including their extended
/// codes such as SQLITE_BUSY_SNAPSHOT) anywhere in the exception chain. Everything else — a constraint,
/// SQLITE_CORRUPT, SQLITE_NOTADB, a full disk — fails at once: retrying would not change the answer.
/// </summary>
public sealed class SqliteErrorClassifier : IRegistryErrorClassifier
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The one instance (it holds no state).</summary>
    public static SqliteErrorClassifier Instance { get; } = new();

    public bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException sqlite
                && ((sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked
                    || (sqlite.SqliteExtendedErrorCode & 0xFF) is SqliteBusy or SqliteLocked))
            {
                return true;
            }
        }

        return false;
    }
}
