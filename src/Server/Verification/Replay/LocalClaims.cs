using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// This replica's memory of claims: every first scan made here, and every earlier claim Redis showed
/// it, until the credential can no longer be verified. It is what still catches replays when Redis is
/// away or has forgotten, and what the write-back restores into Redis.
/// </summary>
public sealed class LocalClaims
{
    private static readonly long SweepIntervalMs = (long)TimeSpan.FromSeconds(10).TotalMilliseconds;

    private readonly ConcurrentDictionary<UInt128, Held> _claims = new();
    private long _nextSweepMs;

    /// <summary>Number of token ids held.</summary>
    public int Count => _claims.Count;

    /// <summary>The dictionary key of a 16-byte token id.</summary>
    public static UInt128 Key(byte[] tokenId) => BinaryPrimitives.ReadUInt128BigEndian(tokenId);

    /// <summary>The token id in lower-case hex, as in the Redis key.</summary>
    public static string Hex(UInt128 key) => key.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public ReplayClaim? Find(UInt128 key) => _claims.TryGetValue(key, out var held) ? held.Claim : null;

    /// <summary>Holds <paramref name="claim"/> unless a claim is already held; returns the claim held now.</summary>
    public ReplayClaim GetOrAdd(UInt128 key, ReplayClaim claim, long keepUntilMs) =>
        _claims.GetOrAdd(key, new Held(claim, keepUntilMs)).Claim;

    /// <summary>Holds the earlier of <paramref name="claim"/> and the claim held (ties keep the held one).</summary>
    public ReplayClaim Remember(UInt128 key, ReplayClaim claim, long keepUntilMs) =>
        _claims.AddOrUpdate(key, static (_, add) => add, static (_, held, add) =>
            add.Claim.FirstScanMs < held.Claim.FirstScanMs ? add with { KeepUntilMs = Math.Max(add.KeepUntilMs, held.KeepUntilMs) } : held,
            new Held(claim, keepUntilMs)).Claim;

    /// <summary>Every claim still needed at <paramref name="nowMs"/>, for a write-back after a loss.</summary>
    public IEnumerable<PendingClaim> Live(long nowMs)
    {
        foreach (var (key, held) in _claims)
        {
            if (held.KeepUntilMs > nowMs)
            {
                yield return new PendingClaim(key, held.Claim, held.KeepUntilMs);
            }
        }
    }

    /// <summary>Forgets expired claims, at most every ten seconds (the caller's clock).</summary>
    public void SweepIfDue(long nowMs)
    {
        var due = Interlocked.Read(ref _nextSweepMs);
        if (nowMs < due || Interlocked.CompareExchange(ref _nextSweepMs, nowMs + SweepIntervalMs, due) != due)
        {
            return;
        }

        foreach (var (key, held) in _claims)
        {
            if (held.KeepUntilMs < nowMs)
            {
                _claims.TryRemove(key, out _);
            }
        }
    }

    private sealed record Held(ReplayClaim Claim, long KeepUntilMs);
}

/// <summary>A claim to be written (back) into Redis, with when it may be forgotten.</summary>
public readonly record struct PendingClaim(UInt128 Key, ReplayClaim Claim, long KeepUntilMs);
