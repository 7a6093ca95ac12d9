using System.Globalization;
using ELicense.Server.Caching;
using ELicense.Server.Resilience;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// The replay claims in Redis. One script per scan claims the token id (SET NX GET), checks the epoch
/// sentinel and reads (or, on a loss, raises) the shared "incomplete" marks — one round-trip, as the plain SET
/// was. The background probe runs the same script with a heartbeat, which also finds silent peers.
/// </summary>
/// <remarks>
/// Redis Cluster (issue 16): the keys of one script must share a hash slot, and a failover loses claims
/// per shard. The design then needs, per shard, its own sentinel and marker next to the claims, e.g.
/// "rp:{b17}:epoch", "rp:{b17}:incomplete", "rp:{b17}:replicas" and "rp:{b17}:&lt;tokenIdHex&gt;" with the
/// bucket taken from the token id; a replica announces and beats into every bucket (a few per shard).
/// Not built yet.
/// </remarks>
public sealed class RedisClaimStore(RedisConnection redis, ResiliencePipelineProvider<string> pipelines)
{
    // KEYS: claim, epoch sentinel, incomplete marks (hash), heartbeats (hash). ARGV: claim ("" = probe
    // only), ttl ms, known epoch, new epoch, own mark (0 keep, -1 clear, else until ms), loss-until ms,
    // now ms, replica id, "1" to beat, silent-after ms, forget-after ms, loss to publish (0 none).
    // Marks: "loss" (a restart or failover someone noticed, only ever moved later) and one per replica
    // that answered without the store, set when it is back and cleared once its claims are written
    // back; a mark past its time is dropped. The answer is the latest mark. A beat (the background probe,
    // every 250 ms) stamps this replica and ages its peers by the Redis clock, so replicas' clocks need
    // not agree, drops a peer silent for a whole window, and returns the server's run_id (new on every
    // restart and failover; read here because INFO needs admin mode from a client). The silence check is
    // left to the beat: on every claim it would double the script's cost in Redis (8 µs → 17.5 µs).
    private const string ClaimScript = """
        local prev = false
        if ARGV[1] ~= '' then
          prev = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'GET', 'PX', ARGV[2])
        end
        local epoch = redis.call('GET', KEYS[2])
        local lost = 0
        if not epoch then
          redis.call('SET', KEYS[2], ARGV[4])
          epoch = ARGV[4]
          if ARGV[3] ~= '' then lost = 1 end
        elseif ARGV[3] ~= '' and epoch ~= ARGV[3] then
          lost = 1
        end
        local own = tonumber(ARGV[5])
        if own < 0 then
          redis.call('HDEL', KEYS[3], ARGV[8])
        elseif own > 0 and own > tonumber(redis.call('HGET', KEYS[3], ARGV[8]) or '0') then
          redis.call('HSET', KEYS[3], ARGV[8], ARGV[5])
        end
        local loss = ARGV[12]
        if lost == 1 and tonumber(ARGV[6]) > tonumber(loss) then loss = ARGV[6] end
        if tonumber(loss) > 0 and tonumber(loss) > tonumber(redis.call('HGET', KEYS[3], 'loss') or '0') then
          redis.call('HSET', KEYS[3], 'loss', loss)
        end
        local current = '0'
        local marks = redis.call('HGETALL', KEYS[3])
        for i = 1, #marks, 2 do
          if tonumber(marks[i + 1]) <= tonumber(ARGV[7]) then
            redis.call('HDEL', KEYS[3], marks[i])
          elseif tonumber(marks[i + 1]) > tonumber(current) then
            current = marks[i + 1]
          end
        end
        local silent = -1
        local run = ''
        if ARGV[9] == '1' then
          local t = redis.call('TIME')
          local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          redis.call('HSET', KEYS[4], ARGV[8], clock)
          run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') or ''
          silent = 0
          local beats = redis.call('HGETALL', KEYS[4])
          for i = 1, #beats, 2 do
            local age = clock - tonumber(beats[i + 1])
            if age > tonumber(ARGV[11]) then
              redis.call('HDEL', KEYS[4], beats[i])
            elseif age > tonumber(ARGV[10]) and beats[i] ~= ARGV[8] then
              silent = 1
            end
          end
        end
        return {prev, epoch, current, lost, silent, run}
        """;

    // KEYS: heartbeats. ARGV: replica id. A replica that stops cleanly leaves the hash: it is not silent, it is gone.
    private const string LeaveScript = "return redis.call('HDEL', KEYS[1], ARGV[1])";

    // KEYS: claim. ARGV: claim, ttl ms, claim ms. The earliest claim keeps ownership: an absent, unreadable
    // or later claim is replaced; an earlier or equal one stays. Returns 1 when written.
    private const string WriteBackScript = """
        local current = redis.call('GET', KEYS[1])
        if current then
          local sep = string.find(current, '|', 1, true)
          local ms = sep and tonumber(string.sub(current, 1, sep - 1))
          if ms and ms <= tonumber(ARGV[3]) then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(ResilienceExtensions.Redis);
    private readonly RedisKey _epochKey = redis.KeyPrefix + "rp:epoch";
    private readonly RedisKey _markerKey = redis.KeyPrefix + "rp:incomplete";
    private readonly RedisKey _beatsKey = redis.KeyPrefix + "rp:replicas";

    /// <summary>False when no Redis is configured (or it is not started yet).</summary>
    public bool IsConfigured => redis.Multiplexer is not null;

    /// <summary>The multiplexer, for connection events; null without Redis.</summary>
    public ConnectionMultiplexer? Multiplexer => redis.Multiplexer;

    /// <summary>Claims <paramref name="tokenIdHex"/> for <paramref name="claim"/> unless claimed; throws on a Redis failure.</summary>
    public async ValueTask<ClaimReply> ClaimAsync(string tokenIdHex, ReplayClaim claim, TimeSpan ttl, ClaimContext context, CancellationToken cancellationToken)
    {
        var (database, keys, values) = Prepare(ClaimKey(tokenIdHex), claim.Format(), ttl, context, beat: false);
        var result = await _pipeline.ExecuteAsync(static async (s, ct) => await s.database.ScriptEvaluateAsync(ClaimScript, s.keys, s.values).WaitAsync(ct),
            (database, keys, values), cancellationToken);
        return Read(result);
    }

    /// <summary>
    /// The same checks without a claim, plus this replica's heartbeat: learns the epoch and the marker and
    /// publishes an announcement. Not through the breaker: announcing the moment Redis is back is its point.
    /// </summary>
    public async ValueTask<ClaimReply> ProbeAsync(ClaimContext context, CancellationToken cancellationToken)
    {
        var (database, keys, values) = Prepare(redis.KeyPrefix + "rp:probe", "", TimeSpan.FromSeconds(1), context, beat: true);
        return Read(await database.ScriptEvaluateAsync(ClaimScript, keys, values).WaitAsync(BackgroundTimeout, cancellationToken));
    }

    /// <summary>Takes this replica out of the heartbeat hash (on a clean stop).</summary>
    public async ValueTask LeaveAsync(string replicaId, CancellationToken cancellationToken)
    {
        var multiplexer = redis.Multiplexer ?? throw new RedisException("Redis is not configured.");
        await multiplexer.GetDatabase().ScriptEvaluateAsync(LeaveScript, [_beatsKey], [replicaId]).WaitAsync(BackgroundTimeout, cancellationToken);
    }

    /// <summary>Writes a claim back unless an earlier one is held; true when written.</summary>
    public async ValueTask<bool> WriteBackAsync(PendingClaim pending, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var multiplexer = redis.Multiplexer ?? throw new RedisException("Redis is not configured.");
        var result = await multiplexer.GetDatabase().ScriptEvaluateAsync(WriteBackScript,
                [ClaimKey(LocalClaims.Hex(pending.Key))],
                [pending.Claim.Format(), Math.Max(1L, (long)ttl.TotalMilliseconds), pending.Claim.FirstScanMs])
            .WaitAsync(BackgroundTimeout, cancellationToken);
        return (long)result == 1;
    }

    // Background calls (probe, write-back) are on nobody's request path: a little more patience
    // than the hot path's budget, but a frozen Redis must not hold the loop for the client's 5 s.
    private static readonly TimeSpan BackgroundTimeout = TimeSpan.FromSeconds(1);

    private RedisKey ClaimKey(string tokenIdHex) => redis.KeyPrefix + "rp:" + tokenIdHex;

    private (IDatabase Database, RedisKey[] Keys, RedisValue[] Values) Prepare(RedisKey claimKey, string claim, TimeSpan ttl, ClaimContext context, bool beat)
    {
        var multiplexer = redis.Multiplexer ?? throw new RedisException("Redis is not configured.");
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
        ];
        return (multiplexer.GetDatabase(), [claimKey, _epochKey, _markerKey, _beatsKey], values);
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
