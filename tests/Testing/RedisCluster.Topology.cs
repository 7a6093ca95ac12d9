using System.Globalization;
using System.Net.Sockets;

namespace ELicense.Testing;

/// <summary>Who is master of what, as the cluster says (<c>CLUSTER NODES</c>).</summary>
public sealed partial class RedisCluster
{
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

    /// <summary>Which node owns which slots in one node's <c>CLUSTER NODES</c>, as one comparable line.</summary>
    private static string SlotOwners(string clusterNodes) => string.Join(";", clusterNodes
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(f => f.Length > 8)
        .Select(f => f[0] + ":" + string.Join(',', f.Skip(8).Where(s => !s.StartsWith('['))))
        .Order(StringComparer.Ordinal));

    private static (int First, int Last) ParseRange(string range)
    {
        var dash = range.IndexOf('-');
        return dash < 0
            ? (int.Parse(range, CultureInfo.InvariantCulture), int.Parse(range, CultureInfo.InvariantCulture))
            : (int.Parse(range[..dash], CultureInfo.InvariantCulture), int.Parse(range[(dash + 1)..], CultureInfo.InvariantCulture));
    }
}
