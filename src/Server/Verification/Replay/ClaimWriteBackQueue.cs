using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// Claims Redis is missing, waiting to be written back: bounded, first in first out, and a signal for
/// the loop that drains it. Expired claims are skipped when taken, never written.
/// </summary>
public sealed class ClaimWriteBackQueue(IOptions<ReplayOptions> options, TimeProvider time) : IDisposable
{
    private readonly int _capacity = options.Value.WriteBackCapacity;
    private readonly ConcurrentQueue<PendingClaim> _queue = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private int _count;
    private long _dropped;

    /// <summary>Claims waiting.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Claims not queued because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a claim; false (and counted) when the queue is full.</summary>
    public bool Enqueue(PendingClaim claim)
    {
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        _queue.Enqueue(claim);
        Wake();
        return true;
    }

    /// <summary>Takes up to <paramref name="max"/> claims still needed now into <paramref name="batch"/>; returns how many expired.</summary>
    public int TakeBatch(List<PendingClaim> batch, int max)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expired = 0;
        while (batch.Count < max && _queue.TryDequeue(out var claim))
        {
            Interlocked.Decrement(ref _count);
            if (claim.KeepUntilMs <= nowMs)
            {
                expired++;
                continue;
            }

            batch.Add(claim);
        }

        return expired;
    }

    /// <summary>Wakes the drain loop (it may already be awake).</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // another thread woke it first
            }
        }
    }

    /// <summary>Waits for a wake-up, or at most <paramref name="timeout"/> (infinite: only a wake-up).</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            await _signal.WaitAsync(cancellationToken);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _signal.WaitAsync(linked.Token);
        var elapsed = Task.Delay(timeout, time, linked.Token);
        await Task.WhenAny(woken, elapsed);
        await linked.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose() => _signal.Dispose();
}
