using System.Globalization;

namespace ELicense.Testing;

/// <summary>
/// A throwaway Redis Cluster for one fixture: 3 masters and 3 replicas (<c>redis-server --cluster-enabled yes</c>,
/// each in its own temp directory, on free loopback ports below 55536 whose bus port, port + 10000, is free too),
/// formed with <c>redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes</c> and ready when every node
/// says <c>cluster_state:ok</c> and every replica's link to its master is up. Dispose stops every process by its
/// own handle and deletes the directories.
/// </summary>
/// <remarks>
/// <c>cluster-node-timeout</c> is 2000 ms, so a killed master is replaced in about 3-4 s; <c>cluster-replica-validity-factor 0</c>
/// lets a replica that lost its link still take over, which is what a failover that loses acknowledged writes needs
/// (<see cref="FailoverLosingWritesAsync"/>). No persistence: a node killed and started again comes back empty and
/// rejoins (from its nodes.conf) as a replica. Fault helpers are in RedisCluster.Faults.cs.
/// </remarks>
public sealed partial class RedisCluster : IAsyncDisposable
{
    /// <summary>The cluster's <c>cluster-node-timeout</c>: how long a silent node takes to be marked failing.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromMilliseconds(2000);

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);
    private readonly List<RedisClusterNode> _nodes;
    private readonly string _root;

    private RedisCluster(string root, List<RedisClusterNode> nodes)
    {
        _root = root;
        _nodes = nodes;
    }

    /// <summary>The six nodes, in the order they were created (roles change with failovers: see <see cref="RefreshAsync"/>).</summary>
    public IReadOnlyList<RedisClusterNode> Nodes => _nodes;

    /// <summary>The masters, as the cluster last said.</summary>
    public IEnumerable<RedisClusterNode> Masters => _nodes.Where(n => n.Role == RedisClusterRole.Master);

    /// <summary>The replicas, as the cluster last said.</summary>
    public IEnumerable<RedisClusterNode> Replicas => _nodes.Where(n => n.Role == RedisClusterRole.Replica);

    /// <summary>Every node as a seed, <c>127.0.0.1:p1,...,127.0.0.1:p6</c>: a StackExchange.Redis configuration (<c>Redis:Configuration</c>).</summary>
    public string Configuration => string.Join(',', _nodes.Select(n => n.EndPoint));

    /// <summary>Starts six nodes, forms the cluster and waits (bounded) until it is healthy.</summary>
    public static async Task<RedisCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        _ = RedisBinaries.Server;
        _ = RedisBinaries.Cli;
        for (var attempt = 1; ; attempt++)
        {
            var root = Path.Combine(Path.GetTempPath(), "elicense-rc-" + Guid.NewGuid().ToString("N")[..12]);
            var nodes = RedisClusterPorts.Pick(6).Select(p => new RedisClusterNode(p, Path.Combine(root, p.ToString(CultureInfo.InvariantCulture)))).ToList();
            var cluster = new RedisCluster(root, nodes);
            try
            {
                foreach (var node in nodes)
                {
                    System.IO.Directory.CreateDirectory(node.Directory);
                    Launch(node);
                }

                foreach (var node in nodes)
                {
                    await WaitForPingAsync(node, TimeSpan.FromSeconds(15), cancellationToken);
                }

                await RedisCli.RunAsync(["--cluster", "create", .. nodes.Select(n => n.EndPoint), "--cluster-replicas", "1", "--cluster-yes"],
                    TimeSpan.FromSeconds(60), cancellationToken);
                await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(30), cancellationToken);
                return cluster;
            }
            catch (Exception e) when (attempt < 3 && e is NodeDidNotStartException)
            {
                // Another process took one of the ports between the check and the bind: try other ports.
                await cluster.DisposeAsync();
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Runs one command on <paramref name="node"/> itself (not routed by slot) and returns its reply as text.</summary>
    public Task<string> CommandAsync(RedisClusterNode node, params string[] args) =>
        RedisClusterResp.SendAsync(Own(node).Port, CommandTimeout, CancellationToken.None, args);

    /// <summary>One field of <c>INFO section</c> on <paramref name="node"/> (e.g. replication, role), or null.</summary>
    public async Task<string?> InfoAsync(RedisClusterNode node, string section, string field, CancellationToken cancellationToken = default)
    {
        var info = await RedisClusterResp.SendAsync(Own(node).Port, CommandTimeout, cancellationToken, "INFO", section);
        return ParseField(info, field);
    }

    /// <summary>One line per node: port, role, master followed, state.</summary>
    public string Describe() => string.Join("; ", _nodes.Select(n => n.ToString()));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await StopProcessAsync(node);
            node.Process?.Dispose();
            node.Process = null;
            node.Hold?.Dispose();
            node.Hold = null;
        }

        RedisClusterPorts.Release(_nodes.Select(n => n.Port));

        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing to delete, or a file still held; the directory is in the temp folder.
        }
    }
}
