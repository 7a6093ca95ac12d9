using ELicense.Client.Connection;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.IntegrationTests.MultiReplica;
using ELicense.Server.Caching;
using ELicense.Testing;
using ELicense.V1;
using Xunit;
using Replay = ELicense.Server.Verification.Replay;

namespace ELicense.IntegrationTests.Faults;

/// <summary>
/// A Redis master of a 3+3 cluster SIGKILLed under a mixed load that three server replicas take through the
/// inspector's multi-address client; its replica is promoted and the load runs on. Not one call may fail, no
/// replay may be answered VALID with an authoritative (SHARED) replay check, and no other answer may be wrong.
/// </summary>
public sealed class RedisMasterKillTests : IAsyncLifetime
{
    private const int Replicas = 3;

    // The load is unpaced enough to pass the officer's 500 calls/s on a quiet machine (as ClusterEnvironment);
    // generous Redis timeouts so that the claims go through Redis (not LOCAL_ONLY) on a loaded machine.
    private static readonly string[] Settings = ["--Auth:RoleRateLimits:officer=100000", "--Resilience:RedisTimeout=00:00:01"];

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>Authoritative answers of each scan kind the replicas must give after the promotion (see <see cref="AnswerJudge.IsAuthoritative"/>).</summary>
    private const int LeastAuthoritative = 5;

    private readonly List<ServerInstance> _replicas = [];
    private RedisCluster _cluster = null!;
    private string _data = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _data = Directory.CreateTempSubdirectory("elicense-faults-redis-").FullName;
        _cluster = await RedisCluster.StartAsync(Ct);
        for (var i = 0; i < Replicas; i++)
        {
            _replicas.Add(await ServerInstance.StartAsync(_data, _cluster.Configuration, Settings));
        }
    }

    [Fact]
    public async Task MixedLoad_RedisMasterKilledAndFailedOver_NoFailedCallAndNoWrongAnswer()
    {
        var plan = await MixedLoadPlan.PrepareAsync(_replicas[0].Registry, credentials: 600, cancellationToken: Ct);
        foreach (var replica in _replicas)
        {
            await plan.WaitSeenByAsync(replica.Verification, TimeSpan.FromSeconds(15), Ct);
            await WaitUntilAuthoritativeAsync(replica, plan.Licences.Keys.First());
        }

        // The master holding the first licence's cache entry; it owns replay buckets too (counted below).
        var cacheKey = _replicas[0].GetService<RedisConnection>().KeyPrefix + _replicas[0].GetService<CacheKeys>().License(plan.Licences.Keys.First());
        var master = await _cluster.MasterOfAsync(cacheKey, Ct);
        var buckets = BucketsOwnedBy(master);
        var promoted = _cluster.ReplicaOf(master);

        using var session = new RpcSession(ReplicaSet.Options([.. _replicas.Select(r => r.Address)], retries: 3, device: "faults-redis"),
            healthTimeout: TimeSpan.FromSeconds(10));
        await using var load = MixedLoad.Start(session, plan, new MixedLoadSettings { Workers = 3, MaxDuration = TimeSpan.FromSeconds(45) });
        await load.WaitForCallsAsync(150, TimeSpan.FromSeconds(20));

        var killedAt = load.Elapsed;
        await _cluster.KillAsync(master);
        await _cluster.WaitForPromotionAsync(master, promoted, Ct);
        var promotedAt = load.Elapsed;
        await load.WaitUntilAsync(promotedAt + Settle + TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20));
        await load.WaitForAuthoritativeAsync(promotedAt + Settle, LeastAuthoritative, TimeSpan.FromSeconds(15));
        await load.StopAsync();

        var window = load.Report("redis-master-kill window (kill to promotion + 2 s)", killedAt, promotedAt + Settle);
        var after = load.After("redis-master-kill after (promotion + 2 s on)", promotedAt + Settle);
        var overall = load.Overall("redis-master-kill overall");
        TestContext.Current.SendDiagnosticMessage(
            $"Redis master {master.EndPoint} (owner of {buckets} of {Replay.ReplayKeys.Count} replay buckets and of the first licence's cache entry) " +
            $"killed at {killedAt.TotalSeconds:0.000} s, {promoted.EndPoint} promoted at {promotedAt.TotalSeconds:0.000} s; " +
            $"replays in the window: {Verdicts(window, LoadCallKind.Replay)}; fresh scans: {Verdicts(window, LoadCallKind.Fresh)}");
        TestContext.Current.SendDiagnosticMessage(window.ToString());
        TestContext.Current.SendDiagnosticMessage(after.ToString());
        TestContext.Current.SendDiagnosticMessage(overall.ToString());

        Assert.True(buckets > 0, "The killed master owned no replay bucket: the kill did not touch the replay guard.");
        Assert.True(window.CallList.Any(c => c.Kind == LoadCallKind.Replay), "No replay overlapped the fault window.");
        Assert.True(overall.ErrorCount == 0, $"Failed calls: {overall.Describe()}");
        Assert.True(overall.WrongAnswers.Count == 0, $"Wrong answers: {overall.Describe()}");
        Assert.True(after.TooFewAuthoritative(LeastAuthoritative) is null, after.TooFewAuthoritative(LeastAuthoritative));
    }

    private static string Verdicts(FaultWindowReport report, LoadCallKind kind) =>
        string.Join(", ", report.CallList.Where(c => c.Kind == kind && c.Ok).GroupBy(c => c.Answer).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"));

    // How many of the replay guard's buckets live on <paramref name="master"/>'s slots (as the cluster said last).
    private int BucketsOwnedBy(RedisClusterNode master)
    {
        var prefix = _replicas[0].GetService<RedisConnection>().KeyPrefix;
        return Enumerable.Range(0, Replay.ReplayKeys.Count).Count(b => master.Owns(RedisClusterSlots.Of(Replay.ReplayKeys.Probe(prefix, b).ToString())));
    }

    // A fresh credential answered SHARED: the replica has probed every bucket and trusts the store.
    private static Task<TimeSpan> WaitUntilAuthoritativeAsync(ServerInstance replica, string licenseNumber) =>
        TestData.EventuallyAsync(async () =>
            (await PrivateReplicas.ScanAsync(replica, await TestData.IssueAsync(replica, licenseNumber), "probe-device")).ReplayCheck == ReplayCheck.Shared,
            TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        for (var i = _replicas.Count - 1; i >= 0; i--)
        {
            await _replicas[i].DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_data is not null)
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
