using ELicense.Server.Registry;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Postgres;
using ELicense.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>
/// The PostgreSQL wake-up on a real, throwaway cluster: a committed NOTIFY signals, a rolled-back one does
/// not, and a restart is survived with one signal after the LISTEN is back (what was sent meanwhile is lost).
/// </summary>
public sealed class PostgresChangeListenerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    // Real waits on a real server: generous, and reached only when the listener is broken.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private const string Notify = "NOTIFY " + PostgresRegistrySchema.NotifyChannel + ", ";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitAsync_CommittedNotify_Signals()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var running = await StartAsync(connectionString);
        var listener = running.Listener;

        await PostgresCluster.ExecuteAsync(connectionString, Notify + "'7'", Ct);

        await listener.WaitAsync(Ct).AsTask().WaitAsync(Deadline, Ct);
        Assert.Equal(1, listener.NotificationsReceived);
        Assert.Equal(7, listener.LastNotifiedSequence);
    }

    [Fact]
    public async Task WaitAsync_NotifyRolledBack_DoesNotSignal()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var running = await StartAsync(connectionString);
        var listener = running.Listener;

        await PostgresCluster.ExecuteAsync(connectionString, "BEGIN; " + Notify + "'41'; ROLLBACK;", Ct);
        await PostgresCluster.ExecuteAsync(connectionString, Notify + "'42'", Ct);

        // Delivered in commit order on one connection: had the rolled-back one come, it would have come first.
        await listener.WaitAsync(Ct).AsTask().WaitAsync(Deadline, Ct);
        Assert.Equal(1, listener.NotificationsReceived);
        Assert.Equal(42, listener.LastNotifiedSequence);
    }

    [Fact]
    public async Task WaitAsync_OtherChannel_DoesNotSignal()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var running = await StartAsync(connectionString);
        var listener = running.Listener;

        await PostgresCluster.ExecuteAsync(connectionString, "NOTIFY other, '5'; " + Notify + "'6'", Ct);

        await listener.WaitAsync(Ct).AsTask().WaitAsync(Deadline, Ct);
        Assert.Equal(1, listener.NotificationsReceived);
        Assert.Equal(6, listener.LastNotifiedSequence);
    }

    [Fact]
    public async Task ExecuteAsync_ServerRestarted_ReconnectsAndSignalsOnce()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        await using var running = await StartAsync(connectionString);
        var listener = running.Listener;

        await postgres.Cluster.RestartAsync(Ct);

        // The signal after the LISTEN is back: changes committed while it was down reach the follower by its poll.
        await listener.WaitAsync(Ct).AsTask().WaitAsync(Deadline, Ct);
        Assert.True(listener.IsListening);
        Assert.Equal(2, listener.Connections);

        await PostgresCluster.ExecuteAsync(connectionString, Notify + "'9'", Ct);
        await listener.WaitAsync(Ct).AsTask().WaitAsync(Deadline, Ct); // listening again, not only connected
        Assert.Equal(9, listener.LastNotifiedSequence);
    }

    [Fact]
    public void ConnectionStringFor_StoreConnectionString_IsUnpooledUnderItsOwnName()
    {
        var listening = new Npgsql.NpgsqlConnectionStringBuilder(
            PostgresChangeListener.ConnectionStringFor("Host=127.0.0.1;Database=registry;Username=app;Pooling=true"));

        Assert.False(listening.Pooling);
        Assert.Equal(PostgresChangeListener.ApplicationName, listening.ApplicationName);
        Assert.Equal("registry", listening.Database);
    }

    /// <summary>A listener on <paramref name="connectionString"/>, started and past its first signal (its LISTEN in effect).</summary>
    private static async Task<Running> StartAsync(string connectionString)
    {
        var listener = new PostgresChangeListener(
            Options.Create(new RegistryOptions { Provider = Internal.StorageProvider.Postgres, ConnectionString = connectionString }),
            Options.Create(new PostgresChangeListenerOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(20),
                MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            }),
            TimeProvider.System, NullLogger<PostgresChangeListener>.Instance);
        await listener.StartAsync(Ct);
        await listener.WaitAsync(Ct).AsTask().WaitAsync(Deadline, Ct);
        Assert.True(listener.IsListening);
        return new Running(listener);
    }

    /// <summary>Stops the listener (its connection closed) when the test ends, pass or fail.</summary>
    private sealed class Running(PostgresChangeListener listener) : IAsyncDisposable
    {
        public PostgresChangeListener Listener => listener;

        public async ValueTask DisposeAsync()
        {
            await listener.StopWithinBoundAsync();
            listener.Dispose();
        }
    }
}
