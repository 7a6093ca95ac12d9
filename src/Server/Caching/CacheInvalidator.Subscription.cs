using StackExchange.Redis;

namespace ELicense.Server.Caching;

/// <summary>The subscription to other replicas' invalidations (and everyone's heartbeats) on the invalidation channel.</summary>
public sealed partial class CacheInvalidator
{
    private int _subscribing;
    private ChannelMessageQueue? _queue;

    /// <summary>True once the subscription is made (whether it delivers is <see cref="InvalidationState"/>'s call).</summary>
    public bool IsSubscribed => Volatile.Read(ref _queue) is not null;

    /// <summary>
    /// Subscribes to other replicas' invalidations once Redis is reachable; safe to call repeatedly. Made
    /// once: the multiplexer restores it after every reconnect (for a sharded channel, on the master that
    /// owns its slot now). Whether it is delivering right now is <see cref="InvalidationState"/>'s call,
    /// from heartbeats and connection events; <see cref="RenewSubscriptionAsync"/> makes it again when it is not.
    /// </summary>
    public async Task EnsureSubscribedAsync()
    {
        if (IsSubscribed || redis.CacheMultiplexer is not { IsConnected: true } multiplexer || channel.Resolve(multiplexer) is not { } target)
        {
            return;
        }

        if (Interlocked.Exchange(ref _subscribing, 1) == 1)
        {
            return; // another call is subscribing
        }

        try
        {
            // Bounded: a frozen Redis must not hold up the loop that calls this.
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(target).WaitAsync(TimeSpan.FromSeconds(1));
            queue.OnMessage(OnMessage);
            Volatile.Write(ref _queue, queue);
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e))
        {
            LogSubscribeFailed(logger, e);
        }
        finally
        {
            Volatile.Write(ref _subscribing, 0);
        }
    }

    /// <summary>
    /// Drops the subscription and makes it again: for a subscription that stays silent although heartbeats are
    /// published (a sharded channel whose shard failed over and that the multiplexer did not resubscribe).
    /// Messages in between are lost, as in any gap; the change feed covers them and the state stays not live
    /// until a heartbeat comes back and a poll has caught up.
    /// </summary>
    /// <param name="reason">Why, for the warning line: the heartbeat's silence, or the fleet's switch of channel kind.</param>
    public async Task RenewSubscriptionAsync(string reason)
    {
        if (Interlocked.Exchange(ref _queue, null) is { } old)
        {
            state.SubscriptionLost();
            LogRenewing(logger, reason, old.Channel.ToString());
            try
            {
                await old.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (RedisConnection.IsRedisFailure(e))
            {
                LogSubscribeFailed(logger, e); // the server may still hold it; the new subscription replaces it in the multiplexer
            }
        }

        await EnsureSubscribedAsync();
    }

    private void OnMessage(ChannelMessage message)
    {
        if (message.Message == Heartbeat)
        {
            state.HeartbeatReceived(); // the subscription is delivering (see InvalidationState)
            return;
        }

        foreach (var line in ((string?)message.Message ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.LastIndexOf('|');
            if (separator > 0 && long.TryParse(line.AsSpan(separator + 1), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var sequence))
            {
                Apply(line[..separator], sequence);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to invalidations yet; will retry.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception error);

    /// <summary>The reason a silent subscription is made again (<see cref="RenewSubscriptionAsync"/>).</summary>
    public const string SilentReason = "No heartbeat came back although Redis is connected";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason} (on {Channel}): subscribing again (the change feed covers the gap).")]
    private static partial void LogRenewing(ILogger logger, string reason, string channel);
}
