using System.Collections.Concurrent;
using ELicense.Server.Resilience;
using ELicense.V1;
using Google.Protobuf;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using StackExchange.Redis;
using ELicense.Server.Registry;

namespace ELicense.Server.Caching;

/// <summary>
/// Memory, then Redis, then the registry. One registry read per key at a time in this process
/// (single flight), negative entries for unknown keys, and — when the registry fails — the last known
/// value served marked stale, never a guess.
/// </summary>
/// <remarks>
/// Written here rather than with FusionCache (which has L1+L2, single flight, fail-safe and a Redis
/// backplane): every answer must say which level it came from, and FusionCache does not report that
/// per call; and invalidation must also follow the registry's change feed, which is our own anyway.
/// </remarks>
public sealed partial class TwoLevelCache<TEntry>
    where TEntry : class, IMessage<TEntry>, ICachedEntry, new()
{
    private static readonly MessageParser<TEntry> Parser = new(() => new TEntry());

    private readonly IMemoryCache _memory;
    private readonly RedisConnection _redis;
    private readonly ResiliencePipeline _redisPipeline;
    private readonly ResiliencePipeline _registryPipeline;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeTracker _changes;
    private readonly RedisValueSealer _sealer;
    private readonly InvalidationState _invalidation;
    private readonly ConcurrentDictionary<string, Task<CacheRead<TEntry>>> _inflight = new(StringComparer.Ordinal);

    public TwoLevelCache(IMemoryCache memory, RedisConnection redis, ResiliencePipelineProvider<string> pipelines,
        IOptions<CacheOptions> options, ChangeTracker changes, InvalidationState invalidation, TimeProvider time, ILogger<TwoLevelCache<TEntry>> logger,
        RedisValueSealer sealer)
    {
        _sealer = sealer;
        _changes = changes;
        _invalidation = invalidation;
        _memory = memory;
        _redis = redis;
        _redisPipeline = pipelines.GetPipeline(ResilienceExtensions.Redis);
        _registryPipeline = pipelines.GetPipeline(ResilienceExtensions.Registry);
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Reads <paramref name="key"/>. <paramref name="load"/> reads the registry and returns a negative
    /// entry when there is no record. Throws <see cref="RegistryUnavailableException"/> when the
    /// registry fails and no stale copy is allowed.
    /// </summary>
    public ValueTask<CacheRead<TEntry>> GetAsync<TState>(string key, TState state,
        Func<TState, CancellationToken, ValueTask<TEntry>> load, CancellationToken cancellationToken)
    {
        var entry = _memory.Get<MemoryEntry>(key);
        if (entry is not null && !_changes.IsCurrent(key, entry.Value.AsOfSequence))
        {
            entry = null; // superseded by a known change: neither fresh nor fit to serve as stale
        }

        if (entry is not null && entry.FreshUntilMs > _time.GetUtcNow().ToUnixTimeMilliseconds()
            && _invalidation.For(entry.Value.AsOfUnixMs) is { TooOld: false } bound)
        {
            return new ValueTask<CacheRead<TEntry>>(new CacheRead<TEntry>(entry.Value, DataSource.Memory, Stale: false, bound));
        }

        // Past its TTL, or invalidations have not been reaching this replica for too long: read through.
        return new ValueTask<CacheRead<TEntry>>(LoadSharedAsync(key, state, load, entry, cancellationToken));
    }

    /// <summary>
    /// Drops <paramref name="key"/> from this replica's memory (Redis is handled by the caller). Loads
    /// already under way may still finish, but what they read is stamped before the change and refused.
    /// </summary>
    public void InvalidateLocal(string key)
    {
        _inflight.TryRemove(key, out _);
        _memory.Remove(key);
    }

    private Task<CacheRead<TEntry>> LoadSharedAsync<TState>(string key, TState state,
        Func<TState, CancellationToken, ValueTask<TEntry>> load, MemoryEntry? staleEntry, CancellationToken cancellationToken)
    {
        // Single flight: one load per key, shared by every caller that wants the key meanwhile. The load
        // runs detached from any one caller (its own budget is the pipelines' timeouts), and each caller
        // waits only as long as its own deadline allows.
        while (true)
        {
            if (_inflight.TryGetValue(key, out var running))
            {
                return running.WaitAsync(cancellationToken);
            }

            var completion = new TaskCompletionSource<CacheRead<TEntry>>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inflight.TryAdd(key, completion.Task))
            {
                _ = RunLoadAsync(key, state, load, staleEntry, completion);
                return completion.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task RunLoadAsync<TState>(string key, TState state, Func<TState, CancellationToken, ValueTask<TEntry>> load,
        MemoryEntry? staleEntry, TaskCompletionSource<CacheRead<TEntry>> completion)
    {
        try
        {
            completion.SetResult(await LoadAsync(key, state, load, staleEntry));
        }
        catch (Exception e)
        {
            completion.SetException(e);
        }
        finally
        {
            ((ICollection<KeyValuePair<string, Task<CacheRead<TEntry>>>>)_inflight).Remove(new(key, completion.Task));
        }
    }

    private async Task<CacheRead<TEntry>> LoadAsync<TState>(string key, TState state,
        Func<TState, CancellationToken, ValueTask<TEntry>> load, MemoryEntry? staleEntry)
    {
        // Read before the registry is: everything up to this sequence is in what the registry returns.
        var stamp = _changes.Sequence;
        var database = _redis.CacheMultiplexer?.GetDatabase();
        var redisKey = _redis.KeyPrefix + key;
        if (database is not null)
        {
            var fromRedis = await TryReadRedisAsync(database, redisKey);
            // IsCurrent is only as good as this replica's knowledge of changes: with too old a bound, the registry
            // decides. A copy older than the tracker's retention may be an old sealed value put back: refused.
            var genuine = fromRedis is not null && _changes.IsCurrent(key, fromRedis.AsOfSequence) && _changes.IsWithinRetention(fromRedis.AsOfUnixMs);
            if (genuine && _invalidation.For(fromRedis!.AsOfUnixMs) is { TooOld: false } bound)
            {
                StoreInMemory(key, fromRedis);
                return new CacheRead<TEntry>(fromRedis, DataSource.Redis, Stale: false, bound);
            }

            if (fromRedis is not null && !genuine)
            {
                // A copy older than a change we know of (a delete was lost or a late write landed), or older
                // than any genuine copy can be (an old sealed value put back). Remove it.
                await TryDeleteRedisAsync(database, redisKey);
            }
        }

        // As of when the read began, not when it returned: the age is also the lag bound of this copy,
        // and a change committed while a slow attempt ran may be missing from what it returns.
        var readStartMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        TEntry loaded;
        try
        {
            loaded = await _registryPipeline.ExecuteAsync(
                static (s, ct) => s.load(s.state, ct), (load, state), CancellationToken.None);
        }
        catch (Exception e)
        {
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            // Checked again: a change may have arrived while the load ran, and a superseded copy is no answer even marked stale.
            if (staleEntry is not null && _changes.IsCurrent(key, staleEntry.Value.AsOfSequence)
                && nowMs - staleEntry.Value.AsOfUnixMs <= (_options.MemoryTtl + _options.MaxStaleness).TotalMilliseconds)
            {
                LogServingStale(_logger, typeof(TEntry).Name, e);
                return new CacheRead<TEntry>(staleEntry.Value, DataSource.Memory, Stale: true, _invalidation.For(staleEntry.Value.AsOfUnixMs));
            }

            throw new RegistryUnavailableException(e);
        }

        loaded.AsOfUnixMs = readStartMs;
        loaded.AsOfSequence = stamp;
        if (database is not null && _changes.IsCurrent(key, stamp))
        {
            await TryWriteRedisAsync(database, redisKey, loaded);
        }

        StoreInMemory(key, loaded);
        return new CacheRead<TEntry>(loaded, DataSource.Registry, Stale: false, FreshnessBound.JustRead);
    }

    private async Task<TEntry?> TryReadRedisAsync(IDatabase database, string redisKey)
    {
        try
        {
            // StackExchange.Redis calls take no CancellationToken; WaitAsync lets the timeout strategy
            // abandon a call to a frozen Redis instead of waiting for the library's own 5 s timeout.
            var value = await _redisPipeline.ExecuteAsync(
                static async (s, ct) => await s.database.StringGetAsync(s.redisKey).WaitAsync(ct),
                (database, redisKey), CancellationToken.None);
            // A value that does not open (altered, moved, another key's or version's) is a miss, counted by the sealer.
            return !value.IsNull && _sealer.TryOpen(((ReadOnlyMemory<byte>)value).Span, redisKey, Parser, out var entry) ? entry : null;
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            LogRedisSkipped(_logger, "read", e);
            return null;
        }
    }

    private async Task TryWriteRedisAsync(IDatabase database, string redisKey, TEntry entry)
    {
        try
        {
            var ttl = entry.IsNegative ? _options.NegativeTtl : _options.RedisTtl;
            await _redisPipeline.ExecuteAsync(
                static async (s, ct) => await s.database.StringSetAsync(s.redisKey, s.value, s.ttl).WaitAsync(ct),
                (database, redisKey, value: _sealer.Seal(entry, redisKey), ttl), CancellationToken.None);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            LogRedisSkipped(_logger, "write", e);
        }
    }

    private async Task TryDeleteRedisAsync(IDatabase database, string redisKey)
    {
        try
        {
            await _redisPipeline.ExecuteAsync(
                static async (s, ct) => await s.database.KeyDeleteAsync(s.redisKey).WaitAsync(ct),
                (database, redisKey), CancellationToken.None);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            LogRedisSkipped(_logger, "delete", e);
        }
    }

    private void StoreInMemory(string key, TEntry value)
    {
        if (!_changes.IsCurrent(key, value.AsOfSequence))
        {
            return;
        }

        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = value.IsNegative ? _options.NegativeTtl : _options.MemoryTtl;
        var keep = value.IsNegative ? ttl : ttl + _options.MaxStaleness;
        using var cacheEntry = _memory.CreateEntry(key);
        cacheEntry.Value = new MemoryEntry(value, nowMs + (long)ttl.TotalMilliseconds);
        cacheEntry.AbsoluteExpirationRelativeToNow = keep;
        cacheEntry.Size = 1;
    }

    internal static bool IsRedisFailure(Exception e) =>
        e is RedisException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException
            or Polly.Timeout.TimeoutRejectedException or ObjectDisposedException;

    private sealed record MemoryEntry(TEntry Value, long FreshUntilMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry unreachable; serving a stale cached {EntryType}, flagged as stale.")]
    private static partial void LogServingStale(ILogger logger, string entryType, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis {Operation} skipped; going on without the shared cache.")]
    private static partial void LogRedisSkipped(ILogger logger, string operation, Exception error);
}
