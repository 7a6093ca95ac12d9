using System.Globalization;
using System.Net;
using ELicense.Server.Caching;
using ELicense.Server.Resilience;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// The replay claims in Redis, in <see cref="ReplayKeys.Count"/> buckets (one hash slot each, so it works on a
/// Redis Cluster as on a single Redis). One script per scan claims the token id (SET NX GET), checks the
/// bucket's epoch sentinel and master replication id, and reads (or, on a loss, raises) the bucket's
/// "incomplete" marks — one round-trip, as the plain SET was. The background probe runs the same script with a
/// heartbeat in every bucket, pipelined, which also finds silent peers.
/// </summary>
public sealed class RedisClaimStore(RedisConnection redis, ResiliencePipelineProvider<string> pipelines)
{
    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(ResilienceExtensions.Redis);
    private readonly string _prefix = redis.KeyPrefix;

    /// <summary>False when no Redis is configured (or it is not started yet).</summary>
    public bool IsConfigured => redis.Multiplexer is not null;

    /// <summary>The multiplexer, for connection events; null without Redis.</summary>
    public ConnectionMultiplexer? Multiplexer => redis.Multiplexer;

    /// <summary>The key of a claim (e.g. to find its master).</summary>
    public RedisKey ClaimKey(int bucket, string tokenIdHex) => ReplayKeys.Claim(_prefix, bucket, tokenIdHex);

    /// <summary>Claims <paramref name="tokenIdHex"/> for <paramref name="claim"/> unless claimed; throws on a Redis failure.</summary>
    /// <param name="context">What to tell the store; its <see cref="ClaimContext.Bucket"/> is the token's bucket.</param>
    public async ValueTask<ClaimReply> ClaimAsync(string tokenIdHex, ReplayClaim claim, TimeSpan ttl, ClaimContext context, CancellationToken cancellationToken)
    {
        var (database, keys, values) = Prepare(ReplayKeys.Claim(_prefix, context.Bucket, tokenIdHex), claim.Format(), ttl, context, beat: false);
        var result = await _pipeline.ExecuteAsync(static async (s, ct) => await s.database.ScriptEvaluateAsync(ClaimScripts.Claim, s.keys, s.values).WaitAsync(ct),
            (database, keys, values), cancellationToken);
        return Read(result);
    }

    /// <summary>
    /// The same checks without a claim, plus this replica's heartbeat, in every bucket at once (one context per
    /// bucket): learns the epochs and the marks and publishes announcements. Each bucket's task fails on its own
    /// (a shard down fails its buckets only). Not through the breaker: announcing the moment Redis is back is its point.
    /// </summary>
    /// <param name="runIds">Per context: read its bucket's server run_id too (<see cref="ClaimReply.RunId"/>; null otherwise).</param>
    public Task<ClaimReply>[] ProbeAll(IReadOnlyList<ClaimContext> contexts, IReadOnlyList<bool> runIds, CancellationToken cancellationToken)
    {
        var tasks = new Task<ClaimReply>[contexts.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            var (database, keys, values) = Prepare(ReplayKeys.Probe(_prefix, contexts[i].Bucket), "", TimeSpan.FromSeconds(1), contexts[i],
                beat: true, runId: runIds[i]);
            tasks[i] = ReadAsync(database.ScriptEvaluateAsync(ClaimScripts.Claim, keys, values).WaitAsync(BackgroundTimeout, cancellationToken));
        }

        return tasks;

        static async Task<ClaimReply> ReadAsync(Task<RedisResult> result) => Read(await result);
    }

    /// <summary>
    /// The server that serves each bucket's slot, as the multiplexer routes it now (one on a single Redis; the shard's
    /// master on a cluster); null where none is known (not connected yet, a shard unreachable).
    /// </summary>
    public EndPoint?[] ServersOf(int buckets)
    {
        var servers = new EndPoint?[buckets];
        if (redis.Multiplexer is not { } multiplexer)
        {
            return servers;
        }

        for (var b = 0; b < buckets; b++)
        {
            try
            {
                servers[b] = multiplexer.GetServer(ReplayKeys.Probe(_prefix, b)).EndPoint;
            }
            catch (Exception e) when (e is RedisException or InvalidOperationException)
            {
                servers[b] = null; // that bucket reads its own run_id
            }
        }

        return servers;
    }

    /// <summary>
    /// Until when the previous build's claims (old key names, invisible here) may still be presented: while its
    /// replicas beat, and one window after its epoch was last seen. Null when none ever ran here.
    /// </summary>
    public async ValueTask<long?> LegacyUntilAsync(long nowMs, long windowMs, long forgetAfterMs, CancellationToken cancellationToken)
    {
        var database = Database();
        var (epoch, retired, beats, marks) = ReplayKeys.Legacy(_prefix);
        var live = (long)await database.ScriptEvaluateAsync(ClaimScripts.LegacyBeats, [beats], [forgetAfterMs]).WaitAsync(BackgroundTimeout, cancellationToken);
        if (live > 0)
        {
            // The old replicas cannot see this build's claims either: tell them, through their own marks.
            await database.ScriptEvaluateAsync(ClaimScripts.LegacyMark, [marks], [nowMs + windowMs]).WaitAsync(BackgroundTimeout, cancellationToken);
        }

        var remaining = (long)await database.ScriptEvaluateAsync(ClaimScripts.LegacyEpoch, [epoch, retired], [windowMs, live > 0 ? "1" : "0"])
            .WaitAsync(BackgroundTimeout, cancellationToken);
        long? until = remaining > 0 ? nowMs + remaining : null;
        return live > 0 ? nowMs + windowMs : until;
    }

    /// <summary>Takes this replica out of every bucket's heartbeats (on a clean stop).</summary>
    public async ValueTask LeaveAsync(string replicaId, CancellationToken cancellationToken)
    {
        var database = Database();
        await Task.WhenAll(Enumerable.Range(0, ReplayKeys.Count)
            .Select(b => database.ScriptEvaluateAsync(ClaimScripts.Leave, [ReplayKeys.Beats(_prefix, b)], [replicaId]))).WaitAsync(BackgroundTimeout, cancellationToken);
    }

    /// <summary>Writes a claim back unless an earlier one is held; true when written.</summary>
    public async ValueTask<bool> WriteBackAsync(PendingClaim pending, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var result = await Database().ScriptEvaluateAsync(ClaimScripts.WriteBack,
                [ReplayKeys.Claim(_prefix, ReplayKeys.BucketOf(pending.Key), LocalClaims.Hex(pending.Key))],
                [pending.Claim.Format(), Math.Max(1L, (long)ttl.TotalMilliseconds), pending.Claim.FirstScanMs])
            .WaitAsync(BackgroundTimeout, cancellationToken);
        return (long)result == 1;
    }

    // Background calls (probe, write-back) are on nobody's request path: a little more patience
    // than the hot path's budget, but a frozen Redis must not hold the loop for the client's 5 s.
    private static readonly TimeSpan BackgroundTimeout = TimeSpan.FromSeconds(1);

    // Known once a server has answered (a cluster stays one); until then the id that works everywhere.
    private bool? _cluster;

    private bool IsCluster()
    {
        if (_cluster is { } known)
        {
            return known;
        }

        var servers = redis.Multiplexer?.GetServers().Where(s => s.IsConnected).ToArray() ?? [];
        if (servers.Length > 0)
        {
            _cluster = servers.Any(s => s.ServerType == ServerType.Cluster);
        }

        return _cluster ?? false;
    }

    private IDatabase Database() => (redis.Multiplexer ?? throw new RedisException("Redis is not configured.")).GetDatabase();

    private (IDatabase Database, RedisKey[] Keys, RedisValue[] Values) Prepare(RedisKey claimKey, string claim, TimeSpan ttl, ClaimContext context,
        bool beat, bool runId = false)
    {
        RedisValue[] values =
        [
            claim,
            Math.Max(1L, (long)ttl.TotalMilliseconds),
            context.KnownEpoch,
            context.NewEpoch,
            context.AnnounceUntilMs,
            context.LossUntilMs,
            context.NowMs,
            context.ReplicaId,
            beat ? "1" : "0",
            context.SilentAfterMs,
            context.ForgetAfterMs,
            context.LossAnnounceMs,
            IsCluster() ? "1" : "0",
            runId ? "1" : "0",
        ];
        return (Database(), ReplayKeys.Shared(_prefix, context.Bucket, claimKey), values);
    }

    private static ClaimReply Read(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        return new ClaimReply(
            parts[0].IsNull ? null : (string?)parts[0],
            (string?)parts[1] ?? "",
            long.Parse((string?)parts[2] ?? "0", NumberStyles.None, CultureInfo.InvariantCulture),
            (long)parts[3] == 1,
            (long)parts[4] is var silent and >= 0 ? silent == 1 : null,
            (string?)parts[5] is { Length: > 0 } run ? run : null);
    }
}
