using System.Net.Sockets;
using Npgsql;

namespace ELicense.Server.Postgres;

/// <summary>
/// PostgreSQL's failures worth a retry, for every engine on it (the registry's error classifier, the audit
/// writer's reopen): a lost or refused connection, a server shutting down or starting, a serialization
/// failure or deadlock, too many connections, and an exhausted pool. Everything else — a constraint, a
/// syntax error, a missing table, a permission — fails at once: retrying would not change the answer.
/// </summary>
public static class PostgresErrors
{
    /// <summary>True when <paramref name="exception"/> (or an exception it wraps) is one retrying may cure.</summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return IsTransientState(postgres.SqlState);
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SocketException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>True for the SQLSTATE classes and codes of a transient failure.</summary>
    public static bool IsTransientState(string sqlState) => sqlState switch
    {
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => true,
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => true,
        PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.LockNotAvailable => true,
        _ => sqlState.StartsWith("08", StringComparison.Ordinal), // connection exception class
    };

    /// <summary>True when <paramref name="exception"/> is any failure of PostgreSQL or of the connection to it.</summary>
    public static bool IsPostgresFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException)
            {
                return true;
            }
        }

        return false;
    }
}
