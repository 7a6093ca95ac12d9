using System.Diagnostics;

namespace ELicense.Testing;

/// <summary>A failover's outcome: who was master, who took over, and how long the promotion took.</summary>
/// <param name="OldMaster">The master that was killed (or demoted, for a graceful failover).</param>
/// <param name="NewMaster">The former replica that owns the slots now.</param>
/// <param name="Promotion">From the kill (or the CLUSTER FAILOVER) until the new master said role:master.</param>
public sealed record RedisClusterFailover(RedisClusterNode OldMaster, RedisClusterNode NewMaster, TimeSpan Promotion);

/// <summary>Fault injection: kill, freeze, restart, and failovers (graceful, and one that loses acknowledged writes).</summary>
public sealed partial class RedisCluster
{
    /// <summary>How long a failover may take before the helpers give up (node timeout 2 s, election, gossip).</summary>
    public static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Kills <paramref name="node"/> with SIGKILL by its own pid, as a crash would, and waits for it to exit; its ports
    /// stay held until <see cref="RestartAsync"/>, so its replica cannot reconnect to someone else's server there.
    /// </summary>
    public async Task KillAsync(RedisClusterNode node)
    {
        await StopProcessAsync(Own(node));
        node.Hold ??= PortHold.Take(node.Port, node.BusPort);
    }

    /// <summary>Freezes <paramref name="node"/> (SIGSTOP): its connections stay open, nothing answers.</summary>
    public async Task FreezeAsync(RedisClusterNode node)
    {
        await SignalAsync(Own(node), "STOP");
        node.IsFrozen = true;
    }

    /// <summary>Lets a frozen node run on (SIGCONT).</summary>
    public async Task ThawAsync(RedisClusterNode node)
    {
        await SignalAsync(Own(node), "CONT");
        node.IsFrozen = false;
    }

    /// <summary>
    /// Starts a killed node again on its port and directory: without persistence it comes back empty, and from its
    /// nodes.conf rejoins the cluster (a former master as a replica of whoever took over). Waits for PING only;
    /// call <see cref="WaitHealthyAsync"/> for the replication link.
    /// </summary>
    public async Task RestartAsync(RedisClusterNode node, CancellationToken cancellationToken = default)
    {
        if (Own(node).IsRunning)
        {
            throw new InvalidOperationException($"Node {node.EndPoint} is still running: kill it first.");
        }

        Launch(node);
        await WaitForPingAsync(node, TimeSpan.FromSeconds(15), cancellationToken);
    }

    /// <summary>
    /// Waits (bounded) until the replica that followed <paramref name="oldMaster"/> says role:master and the cluster is
    /// healthy again (every running node cluster_state:ok). Returns the promoted node and the time since the call.
    /// </summary>
    public async Task<RedisClusterFailover> WaitForPromotionAsync(RedisClusterNode oldMaster, RedisClusterNode replica, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (await InfoOrNullAsync(replica, cancellationToken) != "master")
        {
            if (clock.Elapsed > FailoverBound)
            {
                throw new TimeoutException($"{replica.EndPoint} was not promoted within {FailoverBound.TotalSeconds:0} s. {Describe()}");
            }

            await Task.Delay(25, cancellationToken);
        }

        var promotion = clock.Elapsed;
        await WaitHealthyAsync(FailoverBound, cancellationToken);
        return new RedisClusterFailover(oldMaster, replica, promotion);
    }

    /// <summary>
    /// A failover that LOSES writes the master acknowledged: freezes the master's replica, cuts the replication link
    /// (<c>CLIENT KILL TYPE replica</c> on the master, so the frozen replica cannot have them in its socket buffer),
    /// runs <paramref name="whileCut"/> (writes made there are acknowledged by the master and reach no replica),
    /// kills the master (SIGKILL), thaws the replica and waits (bounded) for it to be promoted. Writes made before
    /// the call survive; writes made in <paramref name="whileCut"/> on this master's slots are gone.
    /// </summary>
    public async Task<RedisClusterFailover> FailoverLosingWritesAsync(RedisClusterNode master, Func<Task> whileCut, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(whileCut);
        var replica = ReplicaOf(master);
        // With a second replica (Redis migrates replicas between masters, and a restarted node rejoins as one),
        // the unfrozen one would receive the writes "lost" here and might be the one promoted: say so, not a
        // puzzling assertion later.
        var followers = _nodes.Count(n => n.Role == RedisClusterRole.Replica && n.Following == master && n.IsRunning);
        if (followers != 1)
        {
            throw new InvalidOperationException($"A lossy failover needs a master with exactly one replica; {master.EndPoint} has {followers}. {Describe()}");
        }

        await FreezeAsync(replica);
        try
        {
            await CommandAsync(master, "CLIENT", "KILL", "TYPE", "replica");
            await whileCut();
            await KillAsync(master);
        }
        finally
        {
            await ThawAsync(replica);
        }

        return await WaitForPromotionAsync(master, replica, cancellationToken);
    }

    /// <summary>
    /// A graceful failover (<c>CLUSTER FAILOVER</c> on <paramref name="master"/>'s replica): the replica catches up,
    /// then takes over; nothing acknowledged is lost. Returns once the old master follows it and the cluster is healthy.
    /// </summary>
    public async Task<RedisClusterFailover> FailoverAsync(RedisClusterNode master, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(master);
        var replica = ReplicaOf(master);
        await CommandAsync(replica, "CLUSTER", "FAILOVER");
        var failover = await WaitForPromotionAsync(master, replica, cancellationToken);
        var clock = Stopwatch.StartNew();
        while (master.Role != RedisClusterRole.Replica || master.Following != replica)
        {
            if (clock.Elapsed > FailoverBound)
            {
                throw new TimeoutException($"{master.EndPoint} did not become a replica of {replica.EndPoint}. {Describe()}");
            }

            await Task.Delay(25, cancellationToken);
            await WaitHealthyAsync(FailoverBound, cancellationToken);
        }

        return failover;
    }

    /// <summary>The running replica that follows <paramref name="master"/>, as the cluster last said.</summary>
    public RedisClusterNode ReplicaOf(RedisClusterNode master) =>
        _nodes.FirstOrDefault(n => n.Role == RedisClusterRole.Replica && n.Following == master && n.IsRunning)
        ?? throw new InvalidOperationException($"{master.EndPoint} has no running replica. {Describe()}");

    private async Task<string?> InfoOrNullAsync(RedisClusterNode node, CancellationToken cancellationToken)
    {
        try
        {
            return await InfoAsync(node, "replication", "role", cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or RedisClusterReplyException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
