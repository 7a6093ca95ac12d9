using System.Diagnostics;
using System.Net.Sockets;

namespace ELicense.Testing;

/// <summary>The bounded wait for a healthy cluster (every node <c>cluster_state:ok</c>, every replica's link up).</summary>
public sealed partial class RedisCluster
{
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

    private async Task<string?> WhyNotHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            string? owners = null;
            foreach (var node in _nodes.Where(n => n.IsRunning && !n.IsFrozen))
            {
                var info = await RedisClusterResp.SendAsync(node.Port, CommandTimeout, cancellationToken, "CLUSTER", "INFO");
                if (ParseField(info, "cluster_state") != "ok")
                {
                    return $"{node.EndPoint} says cluster_state:{ParseField(info, "cluster_state")}";
                }

                // A killed master started again says cluster_state:ok while it still believes it owns its old slots,
                // until gossip demotes it: healthy only once every node names the same owners.
                var seen = SlotOwners(await RedisClusterResp.SendAsync(node.Port, CommandTimeout, cancellationToken, "CLUSTER", "NODES"));
                owners ??= seen;
                if (seen != owners)
                {
                    return $"{node.EndPoint} sees other slot owners ({seen}) than another node ({owners})";
                }
            }

            await RefreshAsync(cancellationToken);
            if (_nodes.FirstOrDefault(n => n.IsRunning && !n.IsFrozen && n.Role == RedisClusterRole.Master && n.Slots.Count == 0) is { } unsettled)
            {
                return $"{unsettled.EndPoint} is seen as a master without slots (a restarted master not demoted yet)";
            }

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
}
