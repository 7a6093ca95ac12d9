using ELicense.IntegrationTests.Infrastructure;
using ELicense.Testing;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.ReplayFailover;

/// <summary>
/// What the replay-loss tests on a cluster start from: a 6-node Redis Cluster and two in-process server replicas
/// (A, B) on one registry directory; A can be stopped before the loss (<see cref="StopAAsync"/>), so that only Redis
/// could have caught the replays. Everything is stopped by its own handle at the end.
/// </summary>
public abstract class TwoReplicasOnCluster(string directoryPrefix) : IAsyncLifetime
{
    // Generous Redis timeouts: the claims must go through Redis (not LOCAL_ONLY) on a machine loaded by builds.
    private static readonly string[] Settings = ["--Resilience:RedisTimeout=00:00:01"];

    private string _data = null!;
    private ServerInstance? _a;
    private ServerInstance? _b;

    protected RedisCluster Cluster { get; private set; } = null!;

    /// <summary>Replica A: makes the first scans.</summary>
    protected ServerInstance A => _a ?? throw new InvalidOperationException("Replica A was stopped.");

    /// <summary>Replica B: answers the replays.</summary>
    protected ServerInstance B => _b!;

    public async ValueTask InitializeAsync()
    {
        _data = Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        Cluster = await RedisCluster.StartAsync(TestContext.Current.CancellationToken);
        _a = await ServerInstance.StartAsync(_data, Cluster.Configuration, Settings);
        _b = await ServerInstance.StartAsync(_data, Cluster.Configuration, Settings);
    }

    /// <summary>Stops replica A (as a handheld's server may be gone before the loss).</summary>
    protected async Task StopAAsync()
    {
        await A.DisposeAsync();
        _a = null;
    }

    /// <summary>Waits until a fresh credential on <paramref name="replica"/> is answered SHARED: it has probed every bucket and trusts the store.</summary>
    protected static Task<TimeSpan> WaitUntilAuthoritativeAsync(ServerInstance replica, string licenseNumber) =>
        TestData.EventuallyAsync(async () =>
            (await PrivateReplicas.ScanAsync(replica, await TestData.IssueAsync(replica, licenseNumber), "probe-device")).ReplayCheck == ReplayCheck.Shared,
            TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        await Cluster.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
        GC.SuppressFinalize(this);
    }
}
