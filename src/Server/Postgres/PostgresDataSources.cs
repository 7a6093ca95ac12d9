using System.Collections.Concurrent;
using Npgsql;

namespace ELicense.Server.Postgres;

/// <summary>
/// The process's Npgsql data sources: one per distinct connection string, so that the registry and the
/// audit trail on the same database share one pool (and one set of prepared statements per physical
/// connection), and a data source is built once, not per call. Disposed with the host.
/// </summary>
/// <remarks>
/// Every data source gets the same defaults unless the connection string sets them: an application name
/// (seen in <c>pg_stat_activity</c>), automatic preparation of the statements a connection runs often
/// (<c>Max Auto Prepare</c>: the store's fixed SQL texts become server-side prepared statements), and a
/// short pool wait (<c>Timeout</c>), so that an exhausted pool is an error within seconds, not a hang (the
/// registry pipeline's own timeout cuts a call sooner), and a bound on a session idle inside a transaction
/// (<see cref="IdleInTransactionTimeoutMs"/>), so that a stalled writer cannot hold row locks for hours.
/// </remarks>
public sealed class PostgresDataSources : IAsyncDisposable
{
    /// <summary>How long the server lets a session idle inside a transaction before ending it (unless <c>Options</c> is set).</summary>
    public const int IdleInTransactionTimeoutMs = 10_000;

    /// <summary>The application name when the connection string names none.</summary>
    public const string DefaultApplicationName = "elicense-server";

    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _sources = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <summary>The data source of <paramref name="connectionString"/>, built on first use.</summary>
    public NpgsqlDataSource For(string connectionString)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _sources.GetOrAdd(connectionString, cs => new Lazy<NpgsqlDataSource>(() => Build(cs))).Value;
    }

    /// <summary>A data source owned by the caller (a command-line tool that runs once), with the same defaults.</summary>
    public static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(Defaults(connectionString).ConnectionString);
        return builder.Build();
    }

    /// <summary>The connection string with the defaults above filled in where it sets nothing.</summary>
    public static NpgsqlConnectionStringBuilder Defaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The keywords as written (spaces and case aside): "Command Timeout" must not count as "Timeout".
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = DefaultApplicationName;
        }

        if (!given.Contains("MAXAUTOPREPARE"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.Contains("TIMEOUT"))
        {
            builder.Timeout = 5;
        }

        if (!given.Contains("OPTIONS"))
        {
            // A write holds the change counter's row lock from its numbering to its commit: a replica paused or cut
            // off in between would stall every replica's writes (until TCP keepalive, hours). The server ends
            // such a session after this long idle inside a transaction (no statement of ours idles that long).
            builder.Options = $"-c idle_in_transaction_session_timeout={IdleInTransactionTimeoutMs}";
        }

        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var source in _sources.Values.Where(lazy => lazy.IsValueCreated))
        {
            await source.Value.DisposeAsync();
        }

        _sources.Clear();
    }
}
