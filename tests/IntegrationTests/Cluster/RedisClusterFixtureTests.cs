using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ELicense.Testing;
using StackExchange.Redis;
using Xunit;

namespace ELicense.IntegrationTests.Cluster;

/// <summary>
/// The cluster fixture itself: its shape, its routing answer (MasterOf) against the cluster's own MOVED, and
/// that its failovers do what they say (the lossy one loses the writes made while the link was cut, and only those).
/// </summary>
public sealed class RedisClusterFixtureTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    private RedisCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task StartAsync_SixNodes_ThreeMastersEachFollowedByOneReplicaCoveringEverySlot()
    {
        await Cluster.WaitHealthyAsync(RedisCluster.FailoverBound, TestContext.Current.CancellationToken);

        Assert.Equal(6, Cluster.Nodes.Count);
        Assert.All(Cluster.Nodes, n => Assert.True(n.Port < 55536 && n.IsRunning && n.Pid > 0, n.ToString()));
        Assert.Equal(6, Cluster.Nodes.Select(n => n.Pid).Distinct().Count());
        var masters = Cluster.Masters.ToList();
        Assert.Equal(3, masters.Count);
        Assert.Equal(masters.OrderBy(m => m.Port), Cluster.Replicas.Select(r => r.Following!).OrderBy(m => m.Port));
        Assert.Equal(RedisClusterSlots.Count, masters.SelectMany(m => m.Slots).Sum(r => r.Last - r.First + 1));
        Assert.Equal(6, Cluster.Configuration.Split(',').Length);
    }

    [Fact]
    public async Task MasterOfAsync_Key_IsTheNodeThatTakesTheWriteWhileTheOthersAnswerMoved()
    {
        var key = "el:test:" + Guid.NewGuid().ToString("N");
        var owner = await Cluster.MasterOfAsync(key, TestContext.Current.CancellationToken);

        Assert.Equal("OK", await Cluster.CommandAsync(owner, "SET", key, "v"));
        foreach (var other in Cluster.Masters.Where(m => m != owner))
        {
            var moved = await Assert.ThrowsAsync<RedisClusterReplyException>(() => Cluster.CommandAsync(other, "SET", key, "v"));
            Assert.StartsWith($"MOVED {RedisClusterSlots.Of(key)} {owner.EndPoint}", moved.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Configuration_StackExchangeRedis_ConnectsInClusterModeAndSpreadsKeysOverEveryMaster()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Cluster.Configuration);
        var db = redis.GetDatabase();
        var keys = Enumerable.Range(0, 60).Select(i => (RedisKey)$"el:test:spread:{i}").ToArray();
        await Task.WhenAll(keys.Select(k => db.StringSetAsync(k, "v")));

        Assert.All(redis.GetEndPoints(), ep => Assert.Equal(ServerType.Cluster, redis.GetServer(ep).ServerType));
        var owners = new HashSet<RedisClusterNode>();
        foreach (var key in keys)
        {
            owners.Add(await Cluster.MasterOfAsync(key.ToString(), TestContext.Current.CancellationToken));
            Assert.Equal("v", (string?)await db.StringGetAsync(key));
        }

        Assert.Equal(3, owners.Count);
    }

    [Fact]
    public async Task FailoverLosingWritesAsync_WriteWhileCut_IsLostWhileTheEarlierWriteSurvives()
    {
        var ct = TestContext.Current.CancellationToken;
        await Cluster.WaitHealthyAsync(RedisCluster.FailoverBound, ct);
        // A master with one replica: after earlier tests' failovers and restarts one may have two (see the fixture).
        var master = Cluster.Masters.First(m => Cluster.Nodes.Count(n => n.Role == RedisClusterRole.Replica && n.Following == m && n.IsRunning) == 1);
        var before = KeyOn(master, "before");
        var during = KeyOn(master, "during");
        Assert.Equal("OK", await Cluster.CommandAsync(master, "SET", before, "1"));
        Assert.Equal("1", await Cluster.CommandAsync(master, "WAIT", "1", "2000")); // the replica holds it

        var failover = await Cluster.FailoverLosingWritesAsync(master, async () =>
        {
            Assert.Equal("OK", await Cluster.CommandAsync(master, "SET", during, "1"));
            Assert.Equal("0", await Cluster.CommandAsync(master, "WAIT", "1", "200")); // acknowledged, on no replica
        }, ct);

        try
        {
            Assert.False(master.IsRunning);
            Assert.Throws<SocketException>(() => Listen(master.Port)); // held till the restart
            Assert.Equal(RedisClusterRole.Master, failover.NewMaster.Role);
            Assert.Same(failover.NewMaster, await Cluster.MasterOfAsync(before, ct));
            Assert.Equal("1", await Cluster.CommandAsync(failover.NewMaster, "GET", before));
            Assert.Equal("", await Cluster.CommandAsync(failover.NewMaster, "GET", during));
            TestContext.Current.SendDiagnosticMessage($"Lossy failover: promotion {failover.Promotion.TotalMilliseconds:0} ms after the kill.");
        }
        finally
        {
            // Even after a failed assertion: the other tests of this class share the cluster.
            await RestoreAsync(master, failover.NewMaster, ct);
        }
    }

    [Fact]
    public async Task FailoverAsync_Graceful_SwapsRolesAndKeepsEveryWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        await Cluster.WaitHealthyAsync(RedisCluster.FailoverBound, ct);
        var master = Cluster.Masters.Last();
        var key = KeyOn(master, "graceful");
        Assert.Equal("OK", await Cluster.CommandAsync(master, "SET", key, "1"));

        var failover = await Cluster.FailoverAsync(master, ct);

        Assert.Equal(RedisClusterRole.Replica, master.Role);
        Assert.Same(failover.NewMaster, master.Following);
        Assert.Equal("1", await Cluster.CommandAsync(failover.NewMaster, "GET", key));
        TestContext.Current.SendDiagnosticMessage($"Graceful failover: promotion {failover.Promotion.TotalMilliseconds:0} ms.");
    }

    [Fact]
    public async Task FreezeAsync_Node_StopsAnsweringUntilThawed()
    {
        var node = Cluster.Replicas.First(r => r.IsRunning);
        await Cluster.FreezeAsync(node);
        try
        {
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cluster.CommandAsync(node, "PING"));
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"A frozen node answered after {clock.ElapsedMilliseconds} ms.");
        }
        finally
        {
            await Cluster.ThawAsync(node);
        }

        Assert.Equal("PONG", await Cluster.CommandAsync(node, "PING"));
    }

    /// <summary>Starts the killed old master again and waits until it follows the new one, so the next test has a whole cluster.</summary>
    private async Task RestoreAsync(RedisClusterNode killed, RedisClusterNode newMaster, CancellationToken ct)
    {
        await Cluster.RestartAsync(killed, ct);
        await Cluster.WaitHealthyAsync(RedisCluster.FailoverBound, ct);
        Assert.Equal(RedisClusterRole.Replica, killed.Role);
        Assert.Same(newMaster, killed.Following);
    }

    private static void Listen(int port)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
    }

    private static string KeyOn(RedisClusterNode master, string name)
    {
        for (var i = 0; ; i++)
        {
            var key = $"el:test:{name}:{Guid.NewGuid():N}:{i}";
            if (master.Owns(RedisClusterSlots.Of(key)))
            {
                return key;
            }
        }
    }
}
