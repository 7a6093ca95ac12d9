using System.Diagnostics;
using System.Globalization;

namespace ELicense.Testing;

/// <summary>What a cluster node is, as the cluster last said (<see cref="RedisCluster.RefreshAsync"/>).</summary>
public enum RedisClusterRole
{
    /// <summary>Owns slots and takes writes.</summary>
    Master,

    /// <summary>Follows a master (<see cref="RedisClusterNode.Following"/>) and takes over when it fails.</summary>
    Replica,
}

/// <summary>
/// One <c>redis-server --cluster-enabled yes</c> process of a <see cref="RedisCluster"/>: its port, its process
/// (owned by the fixture, stopped by its own handle), its directory, and its role as last read from the cluster.
/// </summary>
public sealed class RedisClusterNode
{
    internal RedisClusterNode(int port, string directory)
    {
        Port = port;
        Directory = directory;
    }

    /// <summary>The loopback client port (the cluster bus is <see cref="Port"/> + 10000).</summary>
    public int Port { get; }

    /// <summary>The cluster bus port.</summary>
    public int BusPort => Port + 10000;

    /// <summary><c>127.0.0.1:port</c>, as StackExchange.Redis and redis-cli take it.</summary>
    public string EndPoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The node's own directory (nodes.conf, log).</summary>
    public string Directory { get; }

    /// <summary>The node's log file, for diagnostics.</summary>
    public string LogFile => Path.Combine(Directory, "redis.log");

    /// <summary>The cluster node id (40 hex), once the cluster is formed.</summary>
    public string NodeId { get; internal set; } = "";

    /// <summary>Master or replica, as the cluster last said.</summary>
    public RedisClusterRole Role { get; internal set; }

    /// <summary>For a replica: the master it follows, as the cluster last said; null for a master.</summary>
    public RedisClusterNode? Following { get; internal set; }

    /// <summary>For a master: the slot ranges it owns (inclusive), as the cluster last said.</summary>
    public IReadOnlyList<(int First, int Last)> Slots { get; internal set; } = [];

    /// <summary>The process id of the running server; 0 when it is not running.</summary>
    public int Pid => Process is { HasExited: false } p ? p.Id : 0;

    /// <summary>Whether the process runs (frozen counts as running).</summary>
    public bool IsRunning => Process is { HasExited: false };

    /// <summary>Whether the fixture froze it (SIGSTOP) and has not thawed it yet.</summary>
    public bool IsFrozen { get; internal set; }

    internal Process? Process { get; set; }

    /// <summary>While the node is killed: its ports, held so that no one else starts a server on them (see <see cref="PortHold"/>).</summary>
    internal PortHold? Hold { get; set; }

    /// <summary>Whether this master owns <paramref name="slot"/>.</summary>
    public bool Owns(int slot) => Slots.Any(range => slot >= range.First && slot <= range.Last);

    /// <inheritdoc />
    public override string ToString() =>
        $"{EndPoint} {Role}{(Following is { } m ? " of " + m.EndPoint : "")}{(IsRunning ? "" : " (stopped)")}{(IsFrozen ? " (frozen)" : "")}";
}
