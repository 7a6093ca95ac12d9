using ELicense.Server.Internal;
using ELicense.V1;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>
/// Keeps the pub/sub subscription made and proven. Every <see cref="CacheOptions.HeartbeatInterval"/> it
/// (re)tries the subscription and publishes a heartbeat on the invalidation channel; every replica (this
/// one too) that gets it back knows its subscription is delivering. It also tells
/// <see cref="InvalidationState"/> when the multiplexer reports a failed connection. Its own loop, not the
/// change feed's, so that a Redis that hangs never delays a poll. When Redis takes the heartbeats but none
/// comes back for <see cref="InvalidationState.SilentHeartbeats"/> intervals (a sharded channel stranded by
/// its shard's failover), it makes the subscription again (<see cref="SubscriptionWatch"/>). Every few beats it
/// compares channel kinds with the other replicas (<see cref="ChannelAgreement"/>).
/// </summary>
public sealed partial class InvalidationHeartbeat(
    RedisConnection redis,
    CacheInvalidator invalidator,
    InvalidationChannel channel,
    InvalidationState state,
    ChannelAgreement agreement,
    IOptions<CacheOptions> options,
    TimeProvider time,
    ILogger<InvalidationHeartbeat> logger) : BackgroundService
{
    private bool _watching;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConfigured)
        {
            return; // no pub/sub at all: the change feed is the only path, and InvalidationState says so
        }

        var interval = options.Value.HeartbeatInterval;
        var watch = new SubscriptionWatch(interval * InvalidationState.SilentHeartbeats, time);
        var reported = InvalidationPath.Unspecified;
        var beats = 0L;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                Watch();
                await invalidator.EnsureSubscribedAsync();
                var published = await PublishAsync(interval);
                if (watch.ShouldRenew(invalidator.IsSubscribed, published, state.HeartbeatSilent()))
                {
                    await invalidator.RenewSubscriptionAsync(CacheInvalidator.SilentReason);
                }

                if (published && beats++ % ChannelAgreement.EveryBeats == 0) // the first on the first published beat
                {
                    await agreement.CheckAsync(interval); // every replica on one kind of channel, or pub/sub not live
                }

                reported = ReportChange(reported, state.Path);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private void Watch()
    {
        if (_watching || redis.Multiplexer is not { } multiplexer)
        {
            return;
        }

        // Messages published while the subscription connection is down are lost for good. Under RESP3
        // pub/sub rides the interactive connection, so its failure counts too (at worst one extra catch-up).
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType is ConnectionType.Subscription or ConnectionType.Interactive)
            {
                state.SubscriptionLost();
                LogConnectionFailed(logger, e.ConnectionType, e.FailureType);
            }
        };
        _watching = true;
    }

    /// <summary>
    /// Not through the Redis breaker: the heartbeat is the probe, and must keep probing while the breaker
    /// is open. Bounded by one interval; a heartbeat Redis did not take in time counts the subscription as
    /// lost at once (the same server is sick) rather than only after the missed heartbeats add up.
    /// </summary>
    /// <returns>True when Redis took the heartbeat.</returns>
    private async Task<bool> PublishAsync(TimeSpan timeout)
    {
        if (redis.Multiplexer is not { IsConnected: true } multiplexer)
        {
            state.SubscriptionLost();
            return false;
        }

        if (channel.Resolve(multiplexer) is not { } target)
        {
            return false; // no server reached yet to tell a cluster from a single Redis
        }

        try
        {
            await multiplexer.GetSubscriber().PublishAsync(target, CacheInvalidator.Heartbeat).WaitAsync(timeout);
            return true;
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e))
        {
            state.SubscriptionLost();
            LogHeartbeatFailed(logger, e);
            return false;
        }
    }

    /// <summary>Logs when the path changes (silent until pub/sub is first live), so operators see outages and recoveries.</summary>
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection failed ({FailureType}): invalidations from other replicas arrive through the change feed only until heartbeats return.")]
    private static partial void LogConnectionFailed(ILogger logger, ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publishing the invalidation heartbeat failed; pub/sub counts as down until heartbeats return.")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invalidation pub/sub is live and caught up with the change feed.")]
    private static partial void LogLive(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalidation pub/sub is not live ({Path}): cached answers carry the change-feed bound.")]
    private static partial void LogNotLive(ILogger logger, InvalidationPath path);
}
