using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

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
    private static readonly HashSet<int> PortsHandedOut = [];
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
            var nodes = PickPorts(6).Select(p => new RedisClusterNode(p, Path.Combine(root, p.ToString(CultureInfo.InvariantCulture)))).ToList();
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

                await RunCliAsync(["--cluster", "create", .. nodes.Select(n => n.EndPoint), "--cluster-replicas", "1", "--cluster-yes"],
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

    /// <summary>The master that owns <paramref name="slot"/>, as the cluster says now.</summary>
    public async Task<RedisClusterNode> MasterOfSlotAsync(int slot, CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken);
        return Masters.FirstOrDefault(m => m.Owns(slot))
            ?? throw new InvalidOperationException($"No master owns slot {slot}: {Describe()}");
    }

    /// <summary>The master that owns <paramref name="key"/>'s slot (hash tags honoured), as the cluster says now.</summary>
    public Task<RedisClusterNode> MasterOfAsync(string key, CancellationToken cancellationToken = default) =>
        MasterOfSlotAsync(RedisClusterSlots.Of(key), cancellationToken);

    /// <summary>Reads roles, masters and slots from <c>CLUSTER NODES</c> of a running, unfrozen node.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        Exception? last = null;
        foreach (var source in _nodes.Where(n => n.IsRunning && !n.IsFrozen))
        {
            try
            {
                Apply(await RedisClusterResp.SendAsync(source.Port, CommandTimeout, cancellationToken, "CLUSTER", "NODES"));
                return;
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or RedisClusterReplyException && !cancellationToken.IsCancellationRequested)
            {
                last = e;
            }
        }

        throw new InvalidOperationException("No cluster node answered CLUSTER NODES.", last);
    }

    /// <summary>
    /// Waits (bounded) until every running, unfrozen node says <c>cluster_state:ok</c> and knows the same masters, and
    /// every running replica's link to its master is up; then the roles are fresh.
    /// </summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.StartNew();
        string? why = null;
        while (deadline.Elapsed < timeout)
        {
            why = await WhyNotHealthyAsync(cancellationToken);
            if (why is null)
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"The Redis Cluster was not healthy within {timeout.TotalSeconds:0.#} s: {why}. {Describe()}");
    }

    /// <summary>One line per node: port, role, master followed, state.</summary>
    public string Describe() => string.Join("; ", _nodes.Select(n => n.ToString()));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await StopProcessAsync(node);
        }

        lock (PortsHandedOut)
        {
            foreach (var node in _nodes)
            {
                PortsHandedOut.Remove(node.Port);
            }
        }

        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing to delete, or a file still held; the directory is in the temp folder.
        }
    }

    private async Task<string?> WhyNotHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var node in _nodes.Where(n => n.IsRunning && !n.IsFrozen))
            {
                var info = await RedisClusterResp.SendAsync(node.Port, CommandTimeout, cancellationToken, "CLUSTER", "INFO");
                if (ParseField(info, "cluster_state") != "ok")
                {
                    return $"{node.EndPoint} says cluster_state:{ParseField(info, "cluster_state")}";
                }
            }

            await RefreshAsync(cancellationToken);
            foreach (var replica in Replicas.Where(n => n.IsRunning && !n.IsFrozen))
            {
                var role = await InfoAsync(replica, "replication", "role", cancellationToken);
                var link = await InfoAsync(replica, "replication", "master_link_status", cancellationToken);
                if (role != "slave" || link != "up")
                {
                    return $"replica {replica.EndPoint} has role:{role} master_link_status:{link}";
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or SocketException or RedisClusterReplyException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    private void Apply(string clusterNodes)
    {
        // <id> <ip:port@cport[,hostname]> <flags> <master id|-> <ping> <pong> <epoch> <link> <slot> <slot> ...
        var lines = clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 8)
            .ToList();
        var byId = new Dictionary<string, RedisClusterNode>(StringComparer.Ordinal);
        foreach (var fields in lines)
        {
            var address = fields[1].Split('@')[0];
            var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            if (_nodes.FirstOrDefault(n => n.Port == port) is { } node)
            {
                node.NodeId = fields[0];
                byId[fields[0]] = node;
            }
        }

        foreach (var fields in lines)
        {
            if (!byId.TryGetValue(fields[0], out var node))
            {
                continue;
            }

            var flags = fields[2].Split(',');
            node.Role = flags.Contains("master") ? RedisClusterRole.Master : RedisClusterRole.Replica;
            node.Following = node.Role == RedisClusterRole.Replica && byId.TryGetValue(fields[3], out var master) ? master : null;
            node.Slots = node.Role == RedisClusterRole.Master
                ? fields.Skip(8).Where(s => !s.StartsWith('[')).Select(ParseRange).ToList()
                : [];
        }
    }

    private static (int First, int Last) ParseRange(string range)
    {
        var dash = range.IndexOf('-');
        return dash < 0
            ? (int.Parse(range, CultureInfo.InvariantCulture), int.Parse(range, CultureInfo.InvariantCulture))
            : (int.Parse(range[..dash], CultureInfo.InvariantCulture), int.Parse(range[(dash + 1)..], CultureInfo.InvariantCulture));
    }

    private static string? ParseField(string info, string field)
    {
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return line[(field.Length + 1)..];
            }
        }

        return null;
    }

    private static List<int> PickPorts(int count)
    {
        // Below the kernel's ephemeral range (32768+), so that neither a port nor its bus port (port + 10000) is
        // likely to be handed to someone else's outgoing connection; each checked free by binding it.
        var ports = new List<int>();
        lock (PortsHandedOut)
        {
            for (var tries = 0; ports.Count < count; tries++)
            {
                if (tries > 10_000)
                {
                    throw new InvalidOperationException("Found no free loopback port pairs (p, p + 10000) in 10000-22767.");
                }

                var port = Random.Shared.Next(10_000, 22_768);
                if (!PortsHandedOut.Contains(port) && IsFree(port) && IsFree(port + 10_000))
                {
                    PortsHandedOut.Add(port);
                    ports.Add(port);
                }
            }
        }

        return ports;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
