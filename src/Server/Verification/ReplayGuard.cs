using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using ELicense.Server.Caching;
using ELicense.Server.Internal;
using ELicense.Server.Resilience;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace ELicense.Server.Verification;

/// <summary>How a scan relates to earlier scans of the same credential.</summary>
public enum ReplayOutcome
{
    /// <summary>Nobody scanned it before.</summary>
    FirstScan,
    /// <summary>The same device scanned it before (officers do scan twice).</summary>
    RepeatScan,
    /// <summary>Another device scanned it before.</summary>
    Replayed,
}

/// <summary>The replay decision, when the first scan happened, and whether all replicas were consulted.</summary>
public readonly record struct ReplayDecision(ReplayOutcome Outcome, DateTimeOffset FirstScanAt, bool Shared);

/// <summary>
/// One use per credential: the first scan wins. In Redis one <c>SET NX GET</c> both claims the token id
/// and returns the earlier claim, so two replicas racing on one token cannot both see a first scan.
/// When Redis is unreachable the guard falls back to this replica's memory and says so.
/// </summary>
public sealed partial class ReplayGuard(
    RedisConnection redis,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    ILogger<ReplayGuard> logger)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ResiliencePipeline _redisPipeline = pipelines.GetPipeline(ResilienceExtensions.Redis);
    private readonly ConcurrentDictionary<UInt128, LocalScan> _local = new();
    private long _nextSweepMs;

    /// <summary>Number of token ids held in this replica's memory.</summary>
    public int LocalCount => _local.Count;

    /// <param name="tokenId">The credential's token id; the signature bytes are never the key (ECDSA signatures are malleable).</param>
    /// <param name="tokenIdHex">The same id in lower-case hex, as the response already carries it (the Redis key).</param>
    /// <param name="keepUntil">When the claim may be forgotten: the credential's expiry plus the clock skew.</param>
    public async ValueTask<ReplayDecision> CheckAsync(byte[] tokenId, string tokenIdHex, string deviceId, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        SweepIfDue(nowMs);
        var ttl = keepUntil - now;
        if (ttl < TimeSpan.FromSeconds(1))
        {
            ttl = TimeSpan.FromSeconds(1);
        }

        if (redis.Multiplexer is { } multiplexer)
        {
            try
            {
                var key = new RedisKey(redis.KeyPrefix + "rp:" + tokenIdHex);
                var claim = new RedisValue(nowMs.ToString(CultureInfo.InvariantCulture) + "|" + deviceId);
                var earlier = await _redisPipeline.ExecuteAsync(
                    static async (s, ct) => await s.Database.StringSetAndGetAsync(s.Key, s.Claim, s.Ttl, When.NotExists, CommandFlags.None).WaitAsync(ct),
                    (Database: multiplexer.GetDatabase(), Key: key, Claim: claim, Ttl: ttl), cancellationToken);
                if (!earlier.IsNull)
                {
                    return Decide((string)earlier!, deviceId, now);
                }

                // First in Redis. Remembered here too, so that a Redis outage a moment later still catches
                // replays on this replica — and checked here, because a scan made here during an outage
                // never reached Redis: Redis coming back must not make that token new again.
                var candidate = new LocalScan(nowMs, deviceId, keepUntil.ToUnixTimeMilliseconds());
                var local = _local.GetOrAdd(Key(tokenId), candidate);
                return ReferenceEquals(local, candidate)
                    ? new ReplayDecision(ReplayOutcome.FirstScan, now, Shared: true)
                    : new ReplayDecision(
                        string.Equals(local.DeviceId, deviceId, StringComparison.Ordinal) ? ReplayOutcome.RepeatScan : ReplayOutcome.Replayed,
                        DateTimeOffset.FromUnixTimeMilliseconds(local.FirstScanMs), Shared: true);
            }
            catch (Exception e) when (TwoLevelCache<LicenseEntry>.IsRedisFailure(e))
            {
                LogLocalOnly(logger, e);
            }
        }

        var fallback = new LocalScan(nowMs, deviceId, keepUntil.ToUnixTimeMilliseconds());
        var scan = _local.GetOrAdd(Key(tokenId), fallback);
        var outcome = ReferenceEquals(scan, fallback) ? ReplayOutcome.FirstScan
            : string.Equals(scan.DeviceId, deviceId, StringComparison.Ordinal) ? ReplayOutcome.RepeatScan
            : ReplayOutcome.Replayed;
        return new ReplayDecision(outcome, DateTimeOffset.FromUnixTimeMilliseconds(scan.FirstScanMs), Shared: false);
    }

    private static ReplayDecision Decide(string earlier, string deviceId, DateTimeOffset now)
    {
        var separator = earlier.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || !long.TryParse(earlier.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var firstMs))
        {
            // Unreadable claim: the token id is taken, by whom is unknown, so it is not this device's repeat.
            return new ReplayDecision(ReplayOutcome.Replayed, now, Shared: true);
        }

        var sameDevice = earlier.AsSpan(separator + 1).SequenceEqual(deviceId);
        return new ReplayDecision(sameDevice ? ReplayOutcome.RepeatScan : ReplayOutcome.Replayed,
            DateTimeOffset.FromUnixTimeMilliseconds(firstMs), Shared: true);
    }

    private static UInt128 Key(byte[] tokenId) => BinaryPrimitives.ReadUInt128BigEndian(tokenId);

    private void SweepIfDue(long nowMs)
    {
        var due = Interlocked.Read(ref _nextSweepMs);
        if (nowMs < due || Interlocked.CompareExchange(ref _nextSweepMs, nowMs + (long)SweepInterval.TotalMilliseconds, due) != due)
        {
            return;
        }

        foreach (var (key, scan) in _local)
        {
            if (scan.KeepUntilMs < nowMs)
            {
                _local.TryRemove(key, out _);
            }
        }
    }

    private sealed record LocalScan(long FirstScanMs, string DeviceId, long KeepUntilMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay store (Redis) unavailable; checking replays against this replica's memory only.")]
    private static partial void LogLocalOnly(ILogger logger, Exception error);
}
