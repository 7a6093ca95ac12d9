using System.Threading.Channels;
using ELicense.Server.Registry;

namespace ELicense.Server.Tests.Caching;

/// <summary>
/// Passes waits through and reports when the follower waits with nothing pending — it is idle — with
/// the number of polls made by then.
/// </summary>
internal sealed class ObservedSignal(IRegistryChangeSignal inner, FeedOnlyStore store) : IRegistryChangeSignal
{
    private readonly Channel<int> _idle = Channel.CreateUnbounded<int>();
    private int _waits;

    public int Waits => Volatile.Read(ref _waits);

    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waits);
        var wait = inner.WaitAsync(cancellationToken);
        if (!wait.IsCompleted)
        {
            _idle.Writer.TryWrite(store.Polls);
        }

        return wait;
    }

    public async Task<int> IdleAsync(CancellationToken cancellationToken) =>
        await _idle.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
}

/// <summary>A signal whose every wait fails, as a failed wait or thrown at once: a bug in an engine's signal.</summary>
internal sealed class FailingSignal(bool throwAtOnce) : IRegistryChangeSignal
{
    public ValueTask WaitAsync(CancellationToken cancellationToken) => throwAtOnce
        ? throw new InvalidOperationException("signal broken")
        : ValueTask.FromException(new InvalidOperationException("signal broken"));
}
