using System.Threading.Channels;

namespace ELicense.Server.Registry;

/// <summary>
/// A wake-up for the change-feed follower: completes when a change may have been committed. Only a hint,
/// never the feed itself: a signal may be lost (a dropped connection) or spurious, so a follower still
/// polls on its own timer and reads the feed for what actually changed. An engine that can push (PostgreSQL's
/// <c>LISTEN/NOTIFY</c>) cuts the lag from one poll interval to a round trip; one that cannot (embedded
/// SQLite) registers <see cref="NoRegistryChangeSignal"/> and the follower polls exactly as before.
/// </summary>
public interface IRegistryChangeSignal
{
    /// <summary>
    /// Completes once a signal has arrived since the previous wait completed (signals while nobody waits are
    /// kept, any number of them as one); throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    ValueTask WaitAsync(CancellationToken cancellationToken);
}

/// <summary>The default for an engine without notifications: never signals, so polling alone drives the follower.</summary>
public sealed class NoRegistryChangeSignal : IRegistryChangeSignal
{
    public ValueTask WaitAsync(CancellationToken cancellationToken) =>
        new(Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken));
}

/// <summary>
/// A coalescing latch: <see cref="Set"/> any number of times, and the next <see cref="WaitAsync"/> completes
/// once. A burst of notifications thus costs the follower one poll, plus at most one more for those that
/// came while it was polling (which that poll may have read too early to see).
/// </summary>
public sealed class RegistryChangeLatch : IRegistryChangeSignal
{
    // Capacity one, extra writes dropped: "set" is a state, not a count.
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Signals: the current or next wait completes. Cheap, never blocks, safe from any thread.</summary>
    public void Set() => _pending.Writer.TryWrite(true);

    public async ValueTask WaitAsync(CancellationToken cancellationToken) =>
        await _pending.Reader.ReadAsync(cancellationToken);
}
