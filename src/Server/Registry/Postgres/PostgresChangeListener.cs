using System.Globalization;
using ELicense.Server.Internal;
using ELicense.Server.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ELicense.Server.Registry.Postgres;

/// <summary>
/// The registry's wake-up on PostgreSQL: one connection that <c>LISTEN</c>s on
/// <see cref="PostgresRegistrySchema.NotifyChannel"/>, on which every committed registry write sends a
/// <c>NOTIFY</c>. Each notification sets the signal the change-feed follower waits on, so a replica polls
/// the feed within a round trip of a commit instead of within its poll interval.
/// </summary>
/// <remarks>
/// <para>Only a wake-up: PostgreSQL delivers a notification only to sessions listening when it commits, so
/// those sent while this connection is down are lost. On every (re)connection the listener therefore
/// signals once, after its <c>LISTEN</c> took effect: the poll that follows reads whatever the gap hid.
/// The follower's timer goes on throughout, the backstop for anything the wake-up misses.</para>
/// <para>Its own, unpooled connection, not one from the store's pool: it is held for the process's life
/// (a pool slot the store's <c>Max Pool Size</c> would silently lose, and its pool-exhaustion errors come
/// sooner), it carries session state (the <c>LISTEN</c>) no store command should inherit, and after a drop
/// it must be a new physical connection, never an idle one opened before PostgreSQL restarted.</para>
/// </remarks>
public sealed partial class PostgresChangeListener(
    IOptions<RegistryOptions> registry,
    IOptions<PostgresChangeListenerOptions> options,
    TimeProvider time,
    ILogger<PostgresChangeListener> logger) : BackgroundService, IRegistryChangeSignal
{
    /// <summary>The application name of the listening session (in <c>pg_stat_activity</c>) when the connection string names none.</summary>
    public const string ApplicationName = PostgresDataSources.DefaultApplicationName + " change listener";

    private const string ListenSql = "LISTEN " + PostgresRegistrySchema.NotifyChannel;
    private const string ProbeSql = "SELECT 1";
    private const int ProbeTimeoutSeconds = 5;

    private readonly RegistryChangeLatch _latch = new();
    private int _failures;

    public ValueTask WaitAsync(CancellationToken cancellationToken) => _latch.WaitAsync(cancellationToken);

    /// <summary>The listener's connection string: the store's, unpooled, under its own application name unless one is set.</summary>
    public static string ConnectionStringFor(string connectionString)
    {
        var named = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(named.ApplicationName))
        {
            named.ApplicationName = ApplicationName;
        }

        var builder = PostgresDataSources.Defaults(named.ConnectionString);
        builder.Pooling = false;
        return builder.ConnectionString;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = registry.Value.ConnectionString
            ?? throw new InvalidOperationException("Registry:ConnectionString is required to listen for registry changes.");
        var target = PostgresTarget.Describe(connectionString);
        await using var source = PostgresDataSources.Build(ConnectionStringFor(connectionString));
        while (true)
        {
            try
            {
                await ListenAsync(source, target, stoppingToken); // returns only by throwing
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Not only PostgreSQL's failures: no error of the wake-up may stop the host; polling covers for it.
                _listening = false;
                var failures = ++_failures;
                var delay = options.Value.ReconnectDelayAfter(failures);
                LogListenFailed(failures == 1 ? LogLevel.Warning : LogLevel.Debug, target, failures, delay, e);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Connects, listens, signals once, then waits for notifications (probing a silent connection) until it fails.</summary>
    private async Task ListenAsync(NpgsqlDataSource source, string target, CancellationToken stoppingToken)
    {
        await using var connection = await source.OpenConnectionAsync(stoppingToken);
        connection.Notification += OnNotification;
        await using (var listen = new NpgsqlCommand(ListenSql, connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        _listening = true;
        Interlocked.Increment(ref _connections);
        LogListening(logger, target, _failures);
        _failures = 0;
        _latch.Set(); // what was committed while nobody listened is read by the poll this wakes

        var probeInterval = options.Value.ProbeInterval;
        while (true)
        {
            if (!await connection.WaitAsync(probeInterval, stoppingToken))
            {
                await using var probe = new NpgsqlCommand(ProbeSql, connection) { CommandTimeout = ProbeTimeoutSeconds };
                await probe.ExecuteScalarAsync(stoppingToken);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        if (!string.Equals(notification.Channel, PostgresRegistrySchema.NotifyChannel, StringComparison.Ordinal))
        {
            return;
        }

        Interlocked.Increment(ref _notifications);
        if (long.TryParse(notification.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            AtomicMax.Raise(ref _lastNotifiedSequence, sequence);
        }

        _latch.Set();
    }
}
