using System.Collections.Concurrent;
using ELicense.Server.Internal;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>
/// What this replica knows of the registry's changes: how far it has followed the change feed, and for
/// each recently changed key the sequence of its last change. Every cache entry is stamped with the
/// sequence followed when its registry read began; an entry stamped before the last known change of
/// its key is refused wherever it comes from — memory, or a Redis copy that a lost or late delete left
/// behind. So staleness is bounded by how fast this replica learns of changes (pub/sub at once, the
/// change feed within its interval), not by whether every delete reached Redis.
/// </summary>
public sealed class ChangeTracker(IOptions<CacheOptions> options, TimeProvider time)
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, KnownChange> _changed = new(StringComparer.Ordinal);
    private long _sequence = -1;
    private long _nextPruneMs;

    /// <summary>
    /// How long a change is remembered: as long as any copy read before it can still be around —
    /// in Redis (its TTL) or in memory (fresh time plus the stale-serving allowance) — plus a margin.
    /// </summary>
    public TimeSpan Retention { get; } = Max(options.Value.RedisTtl, options.Value.MemoryTtl + options.Value.MaxStaleness) + TimeSpan.FromMinutes(1);

    /// <summary>The change sequence followed so far (-1 before the first read of the feed): the stamp for new reads.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Number of keys with a remembered change.</summary>
    public int Count => _changed.Count;

    /// <summary>True when an entry stamped <paramref name="asOfSequence"/> reflects the last known change of <paramref name="key"/>.</summary>
    public bool IsCurrent(string key, long asOfSequence) =>
        _changed.IsEmpty || !_changed.TryGetValue(key, out var change) || asOfSequence >= change.Sequence;

    /// <summary>
    /// False for a copy read from the registry more than <see cref="Retention"/> ago: no genuine copy lives
    /// that long (Redis expires it sooner), and the changes that would refuse it may be forgotten. Such a
    /// copy in Redis is an authentic old value put back (sealing proves who wrote it, not when), so a
    /// revoked licence cannot be replayed as valid once its change has left this tracker.
    /// </summary>
    public bool IsWithinRetention(long asOfUnixMs) =>
        time.GetUtcNow().ToUnixTimeMilliseconds() - asOfUnixMs <= (long)Retention.TotalMilliseconds;

    /// <summary>Remembers that <paramref name="key"/> changed at <paramref name="sequence"/>.</summary>
    public void Record(string key, long sequence)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        _changed.AddOrUpdate(key, static (_, s) => s, static (_, old, s) => s.Sequence >= old.Sequence ? s : old, new KnownChange(sequence, nowMs));
        PruneIfDue(nowMs);
    }

    /// <summary>Moves the followed position forward (never back).</summary>
    public void Advance(long sequence) => AtomicMax.Raise(ref _sequence, sequence);

    private void PruneIfDue(long nowMs)
    {
        var due = Interlocked.Read(ref _nextPruneMs);
        if (nowMs < due || Interlocked.CompareExchange(ref _nextPruneMs, nowMs + (long)PruneInterval.TotalMilliseconds, due) != due)
        {
            return;
        }

        var oldest = nowMs - (long)Retention.TotalMilliseconds;
        foreach (var (key, change) in _changed)
        {
            if (change.RecordedUnixMs < oldest)
            {
                _changed.TryRemove(new KeyValuePair<string, KnownChange>(key, change));
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private readonly record struct KnownChange(long Sequence, long RecordedUnixMs);
}
