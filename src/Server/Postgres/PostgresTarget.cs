using Npgsql;

namespace ELicense.Server.Postgres;

/// <summary>Connection strings as configured, checked and described for messages (never with the password).</summary>
public static class PostgresTarget
{
    /// <summary>
    /// Why <paramref name="connectionString"/> cannot be used, or null when it can. The message names the
    /// setting and never echoes the value (it may hold a password).
    /// </summary>
    public static string? Problem(string setting, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"{setting} must be set (an Npgsql connection string, e.g. \"Host=127.0.0.1;Port=5432;Database=elicense;Username=elicense\").";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? $"{setting} must name a Host."
                // The audit writer's synchronous_commit and the change listener's LISTEN are session state, which
                // multiplexing would put on whichever physical connection runs the next command.
                : builder.Multiplexing ? $"{setting} must not turn on Multiplexing: the audit writer and the change listener rely on session settings."
                : null;
        }
        catch (ArgumentException e)
        {
            // The parser's message names the bad keyword, not the value.
            return $"{setting} is not a valid Npgsql connection string: {e.Message}";
        }
    }

    /// <summary>"postgres://host:port/database" for logs and messages: no user name, no password, no options.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgres://{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username ?? "postgres"}";
    }
}
