using ELicense.V1;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>
/// Keeps the pub/sub subscription made and proven: every <see cref="CacheOptions.HeartbeatInterval"/> it
/// (re)tries the subscription and publishes a heartbeat that the subscribers' <see cref="InvalidationState"/>
/// waits for. Its own loop, not the change feed's, so that a Redis that hangs never delays a poll.
/// </summary>
public sealed partial class InvalidationHeartbeat(
    RedisConnection redis,
    CacheInvalidator invalidator,
    InvalidationState state,
    IOptions<CacheOptions> options,
    TimeProvider time,
    ILogger<InvalidationHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConfigured)
        {
            return; // no pub/sub at all: the change feed is the only path, and InvalidationState says so
        }

        var interval = options.Value.HeartbeatInterval;
        var reported = InvalidationPath.Unspecified;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                await invalidator.EnsureSubscribedAsync();
                await invalidator.PublishHeartbeatAsync(interval);
                reported = ReportChange(reported, state.Path);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Logs when the path changes (the first time only once pub/sub is live), so operators see outages and recoveries.</summary>
    private InvalidationPath ReportChange(InvalidationPath reported, InvalidationPath now)
    {
        if (now == reported || (reported == InvalidationPath.Unspecified && now != InvalidationPath.Live))
        {
            return reported; // unchanged, or still starting up (not live yet is no outage)
        }

        if (now == InvalidationPath.Live)
        {
            LogLive(logger);
        }
        else
        {
            LogNotLive(logger, now);
        }

        return now;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Invalidation pub/sub is live and caught up with the change feed.")]
    private static partial void LogLive(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalidation pub/sub is not live ({Path}): cached answers carry the change-feed bound.")]
    private static partial void LogNotLive(ILogger logger, InvalidationPath path);
}
