using ELicense.Server.Internal;
using ELicense.V1;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>
/// How changes reach this replica right now, and so how far behind the registry a cached answer may be.
/// Fed by the pub/sub subscriber (heartbeats, lost connections) and by the change-feed follower (polls);
/// asked by the cache on every memory or Redis hit.
/// </summary>
/// <remarks>
/// Pub/sub counts as live only while heartbeats come back (a frozen Redis keeps its TCP connections, so
/// a subscription can look alive while nothing arrives) and only once a change-feed poll that started
/// after the subscription was proven has succeeded: messages published while the subscription was down
/// are gone, and only that poll is sure to have read their changes. Whatever the path, the change feed
/// bounds the lag: every change committed before the last successful poll started has been applied.
/// </remarks>
public sealed class InvalidationState(IOptions<CacheOptions> options, TimeProvider time)
{
    /// <summary>Missed heartbeats after which a subscription that still looks connected counts as lost.</summary>
    public const int SilentHeartbeats = 3;

    private const long Never = long.MinValue;

    private readonly TimeSpan _interval = options.Value.ChangeFeedInterval;
    private readonly TimeSpan _silence = options.Value.HeartbeatInterval * SilentHeartbeats;
    private readonly TimeSpan _maxFeedOnlyLag = options.Value.MaxFeedOnlyLag;

    // Monotonic timestamps (TimeProvider.GetTimestamp), Never when not (yet) seen.
    private long _liveSince = Never;
    private long _lastHeartbeat = Never;
    private long _lastPollStart = Never;
    private int _channelsMixed = 1; // unknown until the first agreement check: a new replica must not say LIVE before it

    /// <summary>The connection carrying the subscription failed: nothing arrives until a heartbeat proves otherwise.</summary>
    public void SubscriptionLost() => Interlocked.Exchange(ref _liveSince, Never);

    /// <summary>
    /// A heartbeat came back on the invalidation channel: the subscription was delivering when Redis
    /// handled it. After a loss or a silence, the subscription counts as proven from now on.
    /// </summary>
    public void HeartbeatReceived()
    {
        var now = time.GetTimestamp();
        var previous = Interlocked.Exchange(ref _lastHeartbeat, now);
        if (previous == Never || time.GetElapsedTime(previous, now) > _silence || Volatile.Read(ref _liveSince) == Never)
        {
            Interlocked.Exchange(ref _liveSince, now);
        }
    }

    /// <summary>
    /// True when no heartbeat has come back for <see cref="SilentHeartbeats"/> intervals (or none ever): with Redis
    /// taking the heartbeats, a subscription that stays this silent is not delivering (<see cref="SubscriptionWatch"/>).
    /// </summary>
    public bool HeartbeatSilent()
    {
        var last = Volatile.Read(ref _lastHeartbeat);
        return last == Never || time.GetElapsedTime(last) > _silence;
    }

    /// <summary>
    /// Whether live replicas use different kinds of invalidation channel (<see cref="ChannelAgreement"/>): they do not hear
    /// each other, so pub/sub is not live meanwhile. Once they agree again, only a poll that starts afterwards catches up.
    /// </summary>
    public void ChannelsMixed(bool mixed)
    {
        var was = Interlocked.Exchange(ref _channelsMixed, mixed ? 1 : 0) == 1;
        var liveSince = Volatile.Read(ref _liveSince);
        if (was && !mixed && liveSince != Never)
        {
            Interlocked.CompareExchange(ref _liveSince, time.GetTimestamp(), liveSince);
        }
    }

    /// <summary>True while live replicas use different kinds of invalidation channel.</summary>
    public bool ChannelsDisagree => Volatile.Read(ref _channelsMixed) == 1;

    /// <summary>Call before a change-feed poll reads the registry; pass the result to <see cref="PollSucceeded"/>.</summary>
    public long PollStarting() => time.GetTimestamp();

    /// <summary>A poll that started at <paramref name="startedAt"/> read the feed to its end and applied it.</summary>
    public void PollSucceeded(long startedAt) => AtomicMax.Raise(ref _lastPollStart, startedAt);

    /// <summary>The bound for a cached copy read from the registry at <paramref name="asOfUnixMs"/>, as of now.</summary>
    public FreshnessBound For(long asOfUnixMs)
    {
        var now = time.GetTimestamp();
        var pollStart = Volatile.Read(ref _lastPollStart);
        var feedLag = pollStart == Never ? TimeSpan.MaxValue : Max(_interval, time.GetElapsedTime(pollStart, now));

        // A copy reflects every change committed before it was read, so its age bounds its lag too.
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(asOfUnixMs);
        var lag = Min(Max(age, TimeSpan.Zero), feedLag);

        var path = IsLive(now, pollStart) ? InvalidationPath.Live
            : feedLag <= _maxFeedOnlyLag ? InvalidationPath.FeedOnly
            : InvalidationPath.None;
        return new FreshnessBound(path, lag, TooOld: path != InvalidationPath.Live && lag > _maxFeedOnlyLag);
    }

    /// <summary>The path changes take right now (what <see cref="For"/> reports, for any copy).</summary>
    public InvalidationPath Path => For(time.GetUtcNow().ToUnixTimeMilliseconds()).Path;

    private bool IsLive(long now, long pollStart)
    {
        var liveSince = Volatile.Read(ref _liveSince);
        var lastHeartbeat = Volatile.Read(ref _lastHeartbeat);
        return liveSince != Never && !ChannelsDisagree
            && lastHeartbeat != Never && time.GetElapsedTime(lastHeartbeat, now) <= _silence
            && pollStart != Never && pollStart > liveSince; // caught up: a poll began after the subscription was proven
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>
/// How far a cached answer may lag behind the registry (<see cref="MaxLag"/>), how changes reach this
/// replica (<see cref="Path"/>), and whether the lag is past what may be served as fresh.
/// </summary>
public readonly record struct FreshnessBound(InvalidationPath Path, TimeSpan MaxLag, bool TooOld)
{
    /// <summary>For data read from the registry for this call: no lag, and no invalidation involved.</summary>
    public static FreshnessBound JustRead => new(InvalidationPath.Unspecified, TimeSpan.Zero, TooOld: false);
}
