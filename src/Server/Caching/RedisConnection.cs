using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>
/// The one shared <see cref="ConnectionMultiplexer"/> of the process. It connects in the background and
/// keeps reconnecting, so a Redis that is down at start or goes away later never stops the server.
/// </summary>
public sealed partial class RedisConnection : IHostedService, IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ILogger<RedisConnection> _logger;
    private ConnectionMultiplexer? _multiplexer;

    public RedisConnection(IOptions<RedisOptions> options, RedisKeyMaterial keyMaterial, TimeProvider time, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _keyMaterial = keyMaterial;
        _time = time;
        _logger = logger;
    }

    /// <summary>Without a shared key (unit tests, benchmarks): an ephemeral one, so no two processes agree.</summary>
    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
        : this(options, RedisKeyMaterial.Ephemeral(), TimeProvider.System, logger)
    {
    }

    /// <summary>False when no Redis is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(_options.Configuration);

    /// <summary>
    /// The multiplexer, or null when Redis is not configured or not started yet. For replay claims, which
    /// hold no personal data and need no shared key; the cache uses <see cref="CacheMultiplexer"/>.
    /// </summary>
    public ConnectionMultiplexer? Multiplexer => _multiplexer;

    /// <summary>True when a connection to Redis is up right now.</summary>
    public bool IsConnected => _multiplexer?.IsConnected == true;

    public string KeyPrefix => _options.KeyPrefix;

    /// <summary>
    /// True for the ways a Redis call fails when Redis is away, slow or cut off by the breaker — the
    /// failures every Redis user here (cache, invalidation, replay claims) survives by going on without it.
    /// Anything else is a bug and propagates.
    /// </summary>
    public static bool IsRedisFailure(Exception e) =>
        e is RedisException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException
            or Polly.Timeout.TimeoutRejectedException or ObjectDisposedException;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            LogNoRedis(_logger);
            return;
        }

        var configuration = ConfigurationOptions.Parse(_options.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2000);
        configuration.ClientName ??= "elicense-server";
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        if (!_multiplexer.IsConnected)
        {
            LogNotConnected(_logger, _options.Configuration);
            StartKeyChecks();
            return;
        }

        // The replay guard's SET NX GET needs Redis 7.0: on older servers every replay check would fail
        // and fall back to local checks. Say so at start rather than degrade silently.
        foreach (var endpoint in _multiplexer.GetEndPoints())
        {
            var version = _multiplexer.GetServer(endpoint).Version;
            if (version < new Version(7, 0))
            {
                LogOldRedis(_logger, endpoint.ToString() ?? "?", version.ToString());
            }
        }

        await CheckKeyAsync(_multiplexer);
        StartKeyChecks();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_keyCheckTimer is not null)
        {
            await _keyCheckTimer.DisposeAsync();
        }

        if (_multiplexer is not null)
        {
            await _multiplexer.CloseAsync(allowCommandsToComplete: false);
            _multiplexer.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis:Configuration is empty: caching in this process's memory only, and replay checks are local to this replica.")]
    private static partial void LogNoRedis(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis at {Endpoint} is version {Version}; ELicense needs 7.0 or later (SET NX GET). Replay checks will fall back to this replica only.")]
    private static partial void LogOldRedis(ILogger logger, string endpoint, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Configuration} is not reachable yet; serving from memory and the registry while reconnecting in the background.")]
    private static partial void LogNotConnected(ILogger logger, string configuration);
}
