using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>
/// Keeps every replica on one kind of invalidation channel. Each replica decides its kind from the servers it reaches
/// at start (<see cref="InvalidationChannel"/>), so a fleet can split: one started while the cluster had a node older
/// than 7.0 (an upgrade under way, or that node alone reached first) publishes and listens on the literal channel, one
/// started later on the sharded one, and neither hears the other's invalidations, while each hears its own heartbeats
/// and would report pub/sub live. So every <see cref="EveryBeats"/> heartbeats each replica records, in one hash, the
/// kind it uses and the kind it could use, and reads everyone's (entries older than <see cref="Window"/> by the Redis
/// clock are replicas gone): the fleet uses the sharded channel only if every live replica can; a replica on another
/// kind switches and subscribes again. While live replicas are on different kinds this replica's pub/sub does not count
/// as live (FEED_ONLY: the change feed delivers, and the freshness bound says so).
/// </summary>
public sealed partial class ChannelAgreement(
    RedisConnection redis,
    InvalidationChannel channel,
    CacheInvalidator invalidator,
    InvalidationState state,
    TimeProvider time,
    ILogger<ChannelAgreement> logger)
{
    private long _lastAgreed = time.GetTimestamp(); // a replica starts mixed (InvalidationState) anyway

    /// <summary>Heartbeats between two checks (1 s at the default 250 ms).</summary>
    public const int EveryBeats = 4;

    /// <summary>A replica not heard from for this long is gone: its kind no longer counts.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    // KEYS: the kinds hash. ARGV: replica id, kind used ("L"/"S"), kind it could use, window ms. Stamps this replica by the
    // Redis clock, drops the replicas gone (and entries stamped more than a window ahead: a skewed clock that must not keep
    // a kind alive forever), returns the kinds in use ("L", "S", "LS") and the fleet's ("S" if all can).
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ARGV[3] .. now)
        redis.call('PEXPIRE', KEYS[1], 10 * tonumber(ARGV[4]))
        local used, fleet = '', 'S'
        local all = redis.call('HGETALL', KEYS[1])
        for i = 1, #all, 2 do
          local entry = all[i + 1]
          local age = now - (tonumber(string.sub(entry, 3)) or 0)
          if age > tonumber(ARGV[4]) or age < -tonumber(ARGV[4]) then
            redis.call('HDEL', KEYS[1], all[i])
          else
            local kind = string.sub(entry, 1, 1)
            if not string.find(used, kind, 1, true) then used = used .. kind end
            if string.sub(entry, 2, 2) ~= 'S' then fleet = 'L' end
          end
        end
        return {used, fleet}
        """;

    /// <summary>This replica's name in the hash (unique per process and instance).</summary>
    public string ReplicaId { get; } = Environment.MachineName + "-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The hash of kinds, beside the channel's name.</summary>
    public RedisKey Key => redis.KeyPrefix + "invalidate:kinds";

    /// <summary>
    /// Records this replica's kinds and follows the fleet's; bounded by <paramref name="timeout"/>. A failed check keeps the
    /// last verdict for one <see cref="Window"/> only: after that, peers may have switched unseen, so the kinds count as mixed.
    /// </summary>
    public async Task CheckAsync(TimeSpan timeout)
    {
        if (redis.Multiplexer is not { IsConnected: true } multiplexer || channel.Kind == InvalidationChannelKind.Unknown)
        {
            Unchecked(); // nothing decided yet: nothing to tell
            return;
        }

        try
        {
            var (used, fleet) = await RecordAsync(multiplexer, timeout);
            if (channel.Adopt(fleet))
            {
                LogSwitched(logger, fleet);
                await invalidator.RenewSubscriptionAsync($"The fleet switched the invalidation channel to {fleet}"); // the old one hears nothing the fleet sends now
                (used, _) = await RecordAsync(multiplexer, timeout); // at once: peers still on the old kind must see the split
            }

            state.ChannelsMixed(used.Replace(Letter(channel.Kind), "", StringComparison.Ordinal).Length > 0);
            Interlocked.Exchange(ref _lastAgreed, time.GetTimestamp());
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e) || e is RedisServerException)
        {
            LogCheckFailed(logger, e); // the heartbeats still tell whether this replica's own subscription delivers
            Unchecked();
        }
    }

    private void Unchecked()
    {
        if (time.GetElapsedTime(Interlocked.Read(ref _lastAgreed)) > Window)
        {
            state.ChannelsMixed(true);
        }
    }

    /// <summary>Stamps this replica's kinds; returns the kinds live replicas use and the fleet's.</summary>
    private async Task<(string Used, InvalidationChannelKind Fleet)> RecordAsync(ConnectionMultiplexer multiplexer, TimeSpan timeout)
    {
        var result = (RedisResult[])(await multiplexer.GetDatabase()
            .ScriptEvaluateAsync(Script, [Key], [ReplicaId, Letter(channel.Kind), Letter(InvalidationChannel.Capability(multiplexer)), (long)Window.TotalMilliseconds])
            .WaitAsync(timeout))!;
        return ((string?)result[0] ?? "", (string?)result[1] == "S" ? InvalidationChannelKind.Sharded : InvalidationChannelKind.Literal);
    }

    private static string Letter(InvalidationChannelKind kind) => kind == InvalidationChannelKind.Sharded ? "S" : "L";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replicas disagreed on the invalidation channel: switched to {Kind} pub/sub, as every live replica can use (the change feed covers the switch).")]
    private static partial void LogSwitched(ILogger logger, InvalidationChannelKind kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not compare invalidation channel kinds with the other replicas; trying again.")]
    private static partial void LogCheckFailed(ILogger logger, Exception error);
}
