using System.Globalization;
using ELicense.Server.Caching;
using ELicense.Server.Resilience;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace ELicense.Server.Verification.Replay;

/// <summary>What the shared store said along with a claim: the earlier claim, and the loss signals.</summary>
/// <param name="Earlier">The claim Redis already held (null: the one sent was stored).</param>
/// <param name="Epoch">The store's epoch sentinel now (created by this call when it was missing).</param>
/// <param name="IncompleteUntilMs">Until when the shared record is marked incomplete (0: not marked).</param>
/// <param name="Lost">True when the sentinel was missing or not the one this replica knew: claims were lost.</param>
public readonly record struct ClaimReply(string? Earlier, string Epoch, long IncompleteUntilMs, bool Lost);

/// <summary>What a replica tells the store with each call.</summary>
/// <param name="KnownEpoch">The epoch this replica saw last; "" before it has seen one.</param>
/// <param name="NewEpoch">The sentinel to create if none exists.</param>
/// <param name="AnnounceUntilMs">A window this replica must publish (it answered without the store); 0: none.</param>
/// <param name="LossUntilMs">The window to publish if this call finds a loss.</param>
public readonly record struct ClaimContext(string KnownEpoch, string NewEpoch, long AnnounceUntilMs, long LossUntilMs, long NowMs);

/// <summary>
/// The replay claims in Redis. One script per scan claims the token id (SET NX GET), checks the epoch
/// sentinel and reads or raises the shared "incomplete until" marker — one round-trip, as the plain SET was.
/// </summary>
/// <remarks>
/// Redis Cluster (issue 16): the keys of one script must share a hash slot, and a failover loses claims
/// per shard. The design then needs, per shard, its own sentinel and marker next to the claims, e.g.
/// "rp:{b17}:epoch", "rp:{b17}:incomplete" and "rp:{b17}:&lt;tokenIdHex&gt;" with the bucket taken from the
/// token id; a replica that answered without the store announces into every bucket. Not built yet.
/// </remarks>
public sealed class RedisClaimStore(RedisConnection redis, ResiliencePipelineProvider<string> pipelines)
{
    // KEYS: claim, epoch sentinel, incomplete marker. ARGV: claim ("" = probe only), ttl ms, known epoch,
    // new epoch, announce-until ms, loss-until ms, now ms. The marker only ever moves later.
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
        local mark = ARGV[5]
        if lost == 1 and tonumber(ARGV[6]) > tonumber(mark) then mark = ARGV[6] end
        local current = redis.call('GET', KEYS[3]) or '0'
        if tonumber(mark) > tonumber(current) then
          redis.call('SET', KEYS[3], mark, 'PX', math.max(1, tonumber(mark) - tonumber(ARGV[7])))
          current = mark
        end
        return {prev, epoch, current, lost}
        """;

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
    private readonly RedisKey _markerKey = redis.KeyPrefix + "rp:incomplete-until";

    /// <summary>False when no Redis is configured (or it is not started yet).</summary>
    public bool IsConfigured => redis.Multiplexer is not null;

    /// <summary>The multiplexer, for connection events; null without Redis.</summary>
    public ConnectionMultiplexer? Multiplexer => redis.Multiplexer;

    /// <summary>Claims <paramref name="tokenIdHex"/> for <paramref name="claim"/> unless claimed; throws on a Redis failure.</summary>
    public ValueTask<ClaimReply> ClaimAsync(string tokenIdHex, ReplayClaim claim, TimeSpan ttl, ClaimContext context, CancellationToken cancellationToken) =>
        RunClaimAsync(ClaimKey(tokenIdHex), claim.Format(), ttl, context, cancellationToken);

    /// <summary>The same loss check without a claim: learns the epoch and publishes an announcement.</summary>
    public ValueTask<ClaimReply> ProbeAsync(ClaimContext context, CancellationToken cancellationToken) =>
        RunClaimAsync(redis.KeyPrefix + "rp:probe", "", TimeSpan.FromSeconds(1), context, cancellationToken);

    /// <summary>Writes a claim back unless an earlier one is held; true when written.</summary>
    public async ValueTask<bool> WriteBackAsync(PendingClaim pending, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var multiplexer = redis.Multiplexer ?? throw new RedisException("Redis is not configured.");
        var result = await _pipeline.ExecuteAsync(static async (s, ct) => await s.Database.ScriptEvaluateAsync(WriteBackScript,
                [s.Key], [s.Value, s.TtlMs, s.Ms]).WaitAsync(ct),
            (Database: multiplexer.GetDatabase(), Key: ClaimKey(LocalClaims.Hex(pending.Key)), Value: (RedisValue)pending.Claim.Format(),
                TtlMs: (RedisValue)Math.Max(1L, (long)ttl.TotalMilliseconds), Ms: (RedisValue)pending.Claim.FirstScanMs),
            cancellationToken);
        return (long)result == 1;
    }

    /// <summary>The run_id of the primary the multiplexer talks to (changes on every restart and failover).</summary>
    public async ValueTask<string?> RunIdAsync()
    {
        if (redis.Multiplexer is not { } multiplexer)
        {
            return null;
        }

        foreach (var endpoint in multiplexer.GetEndPoints())
        {
            var server = multiplexer.GetServer(endpoint);
            if (server.IsConnected && !server.IsReplica)
            {
                var info = await server.InfoAsync("server");
                return info.SelectMany(g => g).FirstOrDefault(p => p.Key == "run_id").Value;
            }
        }

        return null;
    }

    private RedisKey ClaimKey(string tokenIdHex) => redis.KeyPrefix + "rp:" + tokenIdHex;

    private async ValueTask<ClaimReply> RunClaimAsync(RedisKey claimKey, string claim, TimeSpan ttl, ClaimContext context, CancellationToken cancellationToken)
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
        ];
        var result = await _pipeline.ExecuteAsync(static async (s, ct) => await s.Database.ScriptEvaluateAsync(ClaimScript,
                [s.Claim, s.Epoch, s.Marker], s.Values).WaitAsync(ct),
            (Database: multiplexer.GetDatabase(), Claim: claimKey, Epoch: _epochKey, Marker: _markerKey, Values: values), cancellationToken);
        var parts = (RedisResult[])result!;
        return new ClaimReply(
            parts[0].IsNull ? null : (string?)parts[0],
            (string?)parts[1] ?? "",
            long.Parse((string?)parts[2] ?? "0", NumberStyles.None, CultureInfo.InvariantCulture),
            (long)parts[3] == 1);
    }
}
