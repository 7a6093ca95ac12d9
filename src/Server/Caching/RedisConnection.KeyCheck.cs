using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>Whether this replica's Redis protection key is the one in use by the replicas sharing its Redis.</summary>
public enum RedisKeyAgreement
{
    /// <summary>Not known yet (not connected, or the check is under way): the cache does not use Redis meanwhile.</summary>
    Unchecked,
    /// <summary>The fingerprint in Redis is this replica's: the cache uses Redis.</summary>
    Agreed,
    /// <summary>Redis holds another key's fingerprint: this replica caches in memory only until that is fixed.</summary>
    Mismatch,
}

/// <summary>
/// The key-fingerprint check. The first replica to reach an empty Redis writes its key's fingerprint
/// (<c>SET NX</c>, no expiry); every replica compares it on connecting, on every reconnection (a Redis
/// restarted without persistence has lost it) and every <see cref="KeyCheckInterval"/>. Replicas with
/// different keys would not corrupt each other — their hashed keys differ and their values do not open —
/// but they would silently share nothing, invalidations included; so a mismatch is an error line and the
/// "redis" health service NOT_SERVING, and the replica goes on answering from memory and the registry.
/// Refusing to start would not do: Redis may be unreachable at start, and the other key may arrive later.
/// First writer wins, so after Redis restarts empty a wrong-keyed replica that reconnects first puts the
/// right-keyed ones off Redis; that costs the shared cache only, and is undone by deleting the key (README).
/// </summary>
public sealed partial class RedisConnection
{
    /// <summary>How often the fingerprint is compared again while connected.</summary>
    public static readonly TimeSpan KeyCheckInterval = TimeSpan.FromSeconds(10);

    private readonly RedisKeyMaterial _keyMaterial;
    private readonly TimeProvider _time;
    private ITimer? _keyCheckTimer;
    private int _agreement = (int)RedisKeyAgreement.Unchecked;
    private int _checking;

    /// <summary>The outcome of the last fingerprint check.</summary>
    public RedisKeyAgreement KeyAgreement => (RedisKeyAgreement)Volatile.Read(ref _agreement);

    /// <summary>The multiplexer for cache entries and invalidation messages: null unless the key fingerprint in Redis is this replica's.</summary>
    public ConnectionMultiplexer? CacheMultiplexer
    {
        get
        {
            var agreement = KeyAgreement;
            if (agreement == RedisKeyAgreement.Unchecked)
            {
                TriggerKeyCheck(); // connected since the last check, perhaps: find out now rather than at the next tick
            }

            return agreement == RedisKeyAgreement.Agreed ? _multiplexer : null;
        }
    }

    /// <summary>The Redis key holding the fingerprint.</summary>
    public string FingerprintKey => _options.KeyPrefix + "key-fingerprint";

    private void StartKeyChecks()
    {
        _multiplexer!.ConnectionRestored += (_, _) =>
        {
            Volatile.Write(ref _agreement, (int)RedisKeyAgreement.Unchecked);
            TriggerKeyCheck();
        };
        _keyCheckTimer = _time.CreateTimer(static state => ((RedisConnection)state!).TriggerKeyCheck(), this, KeyCheckInterval, KeyCheckInterval);
    }

    private void TriggerKeyCheck()
    {
        if (_multiplexer is not { IsConnected: true } multiplexer || Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await CheckKeyAsync(multiplexer);
            }
            finally
            {
                Volatile.Write(ref _checking, 0);
            }
        });
    }

    private async Task CheckKeyAsync(ConnectionMultiplexer multiplexer)
    {
        try
        {
            // SET NX then GET rather than SET NX GET, so that even a Redis older than 7.0 can be checked.
            var database = multiplexer.GetDatabase();
            var key = new RedisKey(FingerprintKey);
            var timeout = TimeSpan.FromSeconds(1);
            await database.StringSetAsync(key, _keyMaterial.Fingerprint, expiry: null, when: When.NotExists).WaitAsync(timeout);
            var stored = (string?)await database.StringGetAsync(key).WaitAsync(timeout);
            if (stored is null)
            {
                return; // deleted in between (a flush): the next check writes it again
            }

            var agreed = string.Equals(stored, _keyMaterial.Fingerprint, StringComparison.Ordinal);
            var previous = (RedisKeyAgreement)Interlocked.Exchange(ref _agreement, (int)(agreed ? RedisKeyAgreement.Agreed : RedisKeyAgreement.Mismatch));
            if (!agreed && previous != RedisKeyAgreement.Mismatch)
            {
                LogKeyMismatch(_logger, FingerprintKey, stored, _keyMaterial.Fingerprint);
            }
            else if (agreed && previous == RedisKeyAgreement.Mismatch)
            {
                LogKeyAgreed(_logger, _keyMaterial.Fingerprint);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogKeyCheckFailed(_logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis protection key mismatch: {Key} holds fingerprint {Stored}, this replica's key has {Own}. Every replica sharing this Redis must use the same Redis:ProtectionKey (or ProtectionKeyPath file). This replica does not use Redis for its cache (memory and registry only; the \"redis\" health service is NOT_SERVING) until they agree. The fingerprint never expires: once the keys are fixed, delete {Key} and the next check claims it again.")]
    private static partial void LogKeyMismatch(ILogger logger, string key, string stored, string own);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis protection key fingerprint {Own} now agrees with Redis; using the shared cache again.")]
    private static partial void LogKeyAgreed(ILogger logger, string own);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not check the Redis protection key fingerprint yet; will retry.")]
    private static partial void LogKeyCheckFailed(ILogger logger, Exception error);
}
