using System.Diagnostics;
using ELicense.Server.Registry;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Postgres;
using ELicense.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>
/// A frozen server (SIGSTOP: its sockets stay open, nothing answers) closes no connection: only the
/// listener's probe of its silent connection finds out, within a bounded time, and it listens again once
/// the server runs on. Its own class, so its own cluster: freezing it disturbs no other test.
/// </summary>
public sealed class PostgresChangeListenerFreezeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);

    // Measured ~15 s: the probe's wait, its command timeout (5 s), then Npgsql's cancel request to the frozen
    // server, cut by the connection's Timeout (5 s) twice. Doubled, as these are waits on timers, not on the CPU.
    private static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExecuteAsync_ServerFrozen_ProbeNoticesWithinABoundAndListensAgainAfterThaw()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync(cancellationToken: Ct);
        using var listener = new PostgresChangeListener(
            Options.Create(new RegistryOptions { Provider = Internal.StorageProvider.Postgres, ConnectionString = connectionString }),
            Options.Create(new PostgresChangeListenerOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(20),
                MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
                ProbeInterval = ProbeInterval,
            }),
            TimeProvider.System, NullLogger<PostgresChangeListener>.Instance);
        await listener.StartAsync(Ct);
        try
        {
            await listener.WaitAsync(Ct).AsTask().WaitAsync(DetectionBound, Ct);
            Assert.True(listener.IsListening);

            await postgres.Cluster.FreezeAsync();
            try
            {
                var frozen = Stopwatch.StartNew();
                Assert.True(await EventuallyAsync(() => !listener.IsListening), $"still listening {DetectionBound} after the freeze");
                TestContext.Current.TestOutputHelper?.WriteLine($"frozen server noticed after {frozen.Elapsed}");
            }
            finally
            {
                await postgres.Cluster.ThawAsync();
            }

            // The signal of the new connection, whose LISTEN is in effect again.
            await listener.WaitAsync(Ct).AsTask().WaitAsync(DetectionBound, Ct);
            Assert.True(await EventuallyAsync(() => listener.IsListening && listener.Connections == 2));
            await PostgresCluster.ExecuteAsync(connectionString, "NOTIFY " + PostgresRegistrySchema.NotifyChannel + ", '3'", Ct);
            await listener.WaitAsync(Ct).AsTask().WaitAsync(DetectionBound, Ct);
            Assert.Equal(3, listener.LastNotifiedSequence);
        }
        finally
        {
            await listener.StopWithinBoundAsync();
        }
    }

    /// <summary>Polls a real server's effect (the listener's state) until true or the bound passes.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > DetectionBound)
            {
                return false;
            }

            await Task.Delay(50, Ct);
        }

        return true;
    }
}
