using ELicense.Server.Caching;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// One use per credential: the first scan wins. In Redis one script both claims the token id and
/// returns the earlier claim, so two replicas racing on one token cannot both see a first scan. What
/// this replica knows wins over what Redis forgot: a claim held here is the one sent to Redis, so a
/// replayer never becomes the owner. Redis unreachable: this replica's memory, said so (LOCAL_ONLY);
/// Redis may have lost claims: said so (SHARED_INCOMPLETE) for a window (see <see cref="ClaimLossDetector"/>).
/// </summary>
public sealed partial class ReplayGuard(
    RedisClaimStore store,
    LocalClaims local,
    ClaimLossDetector detector,
    ClaimWriteBackQueue writeBack,
    ReplicaWait replicaWait,
    TimeProvider time,
    ILogger<ReplayGuard> logger)
{
    /// <summary>Number of token ids held in this replica's memory.</summary>
    public int LocalCount => local.Count;

    /// <summary>True while replay answers checked against Redis are not authoritative.</summary>
    public bool SharedIncomplete => detector.Authority(time.GetUtcNow().ToUnixTimeMilliseconds()) == ReplayAuthority.SharedIncomplete;

    /// <param name="tokenId">The credential's token id; the signature bytes are never the key (ECDSA signatures are malleable).</param>
    /// <param name="tokenIdHex">The same id in lower-case hex, as the response already carries it (the Redis key).</param>
    /// <param name="keepUntil">When the claim may be forgotten: the credential's expiry plus the clock skew.</param>
    public async ValueTask<ReplayDecision> CheckAsync(byte[] tokenId, string tokenIdHex, string deviceId, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        local.SweepIfDue(nowMs);
        var keepUntilMs = keepUntil.ToUnixTimeMilliseconds();
        var key = LocalClaims.Key(tokenId);
        var scan = new ReplayClaim(nowMs, deviceId);

        if (store.IsConfigured)
        {
            try
            {
                var known = local.Find(key);
                var context = detector.Context(nowMs, bucket: ReplayKeys.BucketOf(key));
                var reply = await store.ClaimAsync(tokenIdHex, known ?? scan, TimeSpan.FromMilliseconds(Math.Max(1000, keepUntilMs - nowMs)), context, cancellationToken);
                var authority = detector.Observe(reply, context);
                if (replicaWait.Enabled && reply.Earlier is null)
                {
                    // A new claim: wait (bounded) until a replica holds it, so a failover does not lose it.
                    await replicaWait.ReplicatedAsync(store.ClaimKey(context.Bucket, tokenIdHex), cancellationToken);
                }

                var owner = Owner(reply.Earlier, known, scan, key, keepUntilMs);
                var held = local.Remember(key, owner, keepUntilMs);
                if (held.FirstScanMs < owner.FirstScanMs)
                {
                    // Claimed here meanwhile, earlier than what Redis holds: that claim is the owner.
                    writeBack.Enqueue(new PendingClaim(key, held, keepUntilMs));
                    owner = held;
                }

                return Decide(owner, scan, authority);
            }
            catch (Exception e) when (RedisConnection.IsRedisFailure(e))
            {
                LogLocalOnly(logger, e);
            }
        }

        var claim = local.GetOrAdd(key, scan, keepUntilMs);
        if (store.IsConfigured)
        {
            if (ReferenceEquals(claim, scan))
            {
                writeBack.Enqueue(new PendingClaim(key, scan, keepUntilMs));
            }

            // After the enqueue: a write-back pass that has seen this answer has seen its claim too.
            detector.AnsweredWithoutStore();
            writeBack.Wake();
        }

        var decision = Decide(claim, scan, ReplayAuthority.LocalOnly);
        return store.IsConfigured && decision.Outcome != ReplayOutcome.Replayed && detector.AloneTooLong(nowMs)
            ? decision with { Outcome = ReplayOutcome.Unverifiable }
            : decision;
    }

    /// <summary>The earliest of Redis's earlier claim and the claim held here; what Redis holds is corrected if later.</summary>
    private ReplayClaim Owner(string? earlier, ReplayClaim? known, ReplayClaim scan, UInt128 key, long keepUntilMs)
    {
        if (earlier is null)
        {
            return known ?? scan; // Redis stored what was sent
        }

        // Unreadable: the token id is taken, by whom is unknown, so it is not this device's repeat.
        var shared = ReplayClaim.Parse(earlier) ?? new ReplayClaim(scan.FirstScanMs, "");
        if (known is null || known.FirstScanMs >= shared.FirstScanMs)
        {
            return shared;
        }

        writeBack.Enqueue(new PendingClaim(key, known, keepUntilMs)); // Redis holds a later claim: give it the original
        return known;
    }

    private static ReplayDecision Decide(ReplayClaim owner, ReplayClaim scan, ReplayAuthority authority)
    {
        var outcome = ReferenceEquals(owner, scan) ? ReplayOutcome.FirstScan
            : string.Equals(owner.DeviceId, scan.DeviceId, StringComparison.Ordinal) ? ReplayOutcome.RepeatScan
            : ReplayOutcome.Replayed;
        return new ReplayDecision(outcome, DateTimeOffset.FromUnixTimeMilliseconds(owner.FirstScanMs), authority);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay store (Redis) unavailable; checking replays against this replica's memory only.")]
    private static partial void LogLocalOnly(ILogger logger, Exception error);
}
