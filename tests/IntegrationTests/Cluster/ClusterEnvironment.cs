using ELicense.IntegrationTests.Infrastructure;
using ELicense.Server.Caching;
using ELicense.Testing;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests.Cluster;

/// <summary>
/// One throwaway 6-node Redis Cluster and two server replicas on it (<c>Redis:Configuration</c> listing every
/// node), sharing one data directory (registry, keys), for a test class. Stops all of it on dispose.
/// </summary>
public class ClusterEnvironment : IAsyncLifetime
{
    private string? _directory;

    public RedisCluster Cluster { get; private set; } = null!;

    public ServerInstance A { get; private set; } = null!;

    public ServerInstance B { get; private set; } = null!;

    /// <summary>Configuration both replicas start with.</summary>
    protected virtual IEnumerable<string> ExtraArgs => [];

    public async ValueTask InitializeAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Cluster = await RedisCluster.StartAsync(bound.Token);
        _directory = Directory.CreateTempSubdirectory("elicense-cluster-it-").FullName;
        // The fault tests' lookup loops are unpaced: on a quiet machine they pass the officer's 500 calls/s.
        string[] args = [.. ExtraArgs, "--Auth:RoleRateLimits:officer=100000"];
        A = await ServerInstance.StartAsync(_directory, Cluster.Configuration, args);
        B = await ServerInstance.StartAsync(_directory, Cluster.Configuration, args);
    }

    /// <summary>A bounded call: a call stuck behind a dead node fails the test instead of hanging it.</summary>
    public static CallOptions Call => new(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken);

    public static Task<GetLicenseResponse> LookUpAsync(ServerInstance replica, string licenseNumber) =>
        replica.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = licenseNumber, Purpose = LookupPurpose.RoadsideCheck }, Call).ResponseAsync;

    public static InvalidationPath PathOf(ServerInstance replica) => replica.GetService<InvalidationState>().Path;

    /// <summary>Waits (bounded) until <paramref name="replica"/>'s pub/sub is live: subscribed, heartbeats back, feed caught up.</summary>
    public static Task<TimeSpan> WaitLiveAsync(ServerInstance replica) =>
        TestData.EventuallyAsync(() => Task.FromResult(PathOf(replica) == InvalidationPath.Live), TimeSpan.FromSeconds(15));

    /// <summary>Reads until <paramref name="replica"/> answers from memory (it has followed the feed past the licence's creation).</summary>
    public static Task WarmAsync(ServerInstance replica, string licenseNumber) =>
        TestData.EventuallyAsync(async () => (await LookUpAsync(replica, licenseNumber)).Freshness.Source == DataSource.Memory, TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The same, with a change feed read every 3 s: a change that reaches replica B well before its next poll
/// came over pub/sub.
/// </summary>
public sealed class SlowFeedClusterEnvironment : ClusterEnvironment
{
    protected override IEnumerable<string> ExtraArgs => ["--Cache:ChangeFeedInterval=00:00:03", "--Cache:MaxFeedOnlyLag=00:00:10"];
}
