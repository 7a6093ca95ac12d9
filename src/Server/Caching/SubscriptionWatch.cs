namespace ELicense.Server.Caching;

/// <summary>
/// Decides when a subscription that Redis is connected for, and that Redis takes heartbeats for, has stayed
/// silent long enough to be made again. The case it exists for: a sharded channel whose shard failed over
/// (the master owning its slot died, a replica took over) and that the multiplexer did not resubscribe on the
/// new master, or resubscribed where nothing is published. While heartbeats are refused (Redis down or frozen)
/// there is nothing to renew: the connection's own recovery is the fix, and InvalidationState says not live.
/// At most one renewal per silence window, counted from the subscription (or the last renewal).
/// </summary>
public sealed class SubscriptionWatch(TimeSpan silence, TimeProvider time)
{
    private const long Never = long.MinValue;
    private long _since = Never;

    /// <summary>Called once per heartbeat round; true when the subscription should be made again now.</summary>
    /// <param name="subscribed">The subscription exists.</param>
    /// <param name="published">Redis took this round's heartbeat.</param>
    /// <param name="heartbeatSilent">No heartbeat came back for the silence window (<see cref="InvalidationState.HeartbeatSilent"/>).</param>
    public bool ShouldRenew(bool subscribed, bool published, bool heartbeatSilent)
    {
        var now = time.GetTimestamp();
        if (!subscribed)
        {
            _since = Never;
            return false;
        }

        if (_since == Never)
        {
            _since = now; // first round with this subscription: give it a silence window to deliver
            return false;
        }

        if (!published || !heartbeatSilent || time.GetElapsedTime(_since, now) <= silence)
        {
            return false;
        }

        _since = now;
        return true;
    }
}
