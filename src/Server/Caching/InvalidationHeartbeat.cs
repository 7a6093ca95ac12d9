using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>
/// Keeps the pub/sub subscription made and proven: every <see cref="CacheOptions.HeartbeatInterval"/> it
/// (re)tries the subscription and publishes a heartbeat that the subscribers' <see cref="InvalidationState"/>
/// waits for. Its own loop, not the change feed's, so that a Redis that hangs never delays a poll.
/// </summary>
public sealed class InvalidationHeartbeat(
    RedisConnection redis,
    CacheInvalidator invalidator,
    IOptions<CacheOptions> options,
    TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConfigured)
        {
            return; // no pub/sub at all: the change feed is the only path, and InvalidationState says so
        }

        var interval = options.Value.HeartbeatInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                await invalidator.EnsureSubscribedAsync();
                await invalidator.PublishHeartbeatAsync(interval);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
