namespace ELicense.Bench;

/// <summary>
/// Caps the requests in flight, for one waiter (the open-loop dispatcher): a server that stops answering
/// must not make the generator hold an unbounded number of calls. While the dispatcher waits here its due
/// times keep passing, so the wait shows in the latencies, as it should.
/// </summary>
/// <remarks>
/// Waiters resume on the thread that frees the slot (no RunContinuationsAsynchronously), which keeps
/// tests on a fake clock deterministic.
/// </remarks>
public sealed class InFlightLimiter(int capacity)
{
    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _slotWaiter;
    private TaskCompletionSource? _idleWaiter;

    /// <summary>Requests in flight now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>How many times the dispatcher found every slot taken.</summary>
    public long TimesFull { get; private set; }

    /// <summary>Takes a slot, waiting for one when all are taken.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_count < capacity)
            {
                _count++;
                return ValueTask.CompletedTask;
            }

            TimesFull++;
            waiter = _slotWaiter = new TaskCompletionSource();
        }

        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>Frees a slot; a waiting dispatcher takes it over.</summary>
    public void Exit()
    {
        TaskCompletionSource? resume = null;
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (_slotWaiter is not null)
            {
                // Handed over: the count stays.
                (resume, _slotWaiter) = (_slotWaiter, null);
            }
            else if (--_count == 0)
            {
                (idle, _idleWaiter) = (_idleWaiter, null);
            }
        }

        resume?.TrySetResult();
        idle?.TrySetResult();
    }

    /// <summary>Completes when nothing is in flight.</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return Task.CompletedTask;
            }

            _idleWaiter ??= new TaskCompletionSource();
            return _idleWaiter.Task;
        }
    }

    private async ValueTask WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(() =>
        {
            // Cancelled only while still waiting: a slot already handed over stays taken, and the caller frees it.
            bool waiting;
            lock (_gate)
            {
                waiting = ReferenceEquals(_slotWaiter, waiter);
                if (waiting)
                {
                    _slotWaiter = null;
                }
            }

            if (waiting)
            {
                waiter.TrySetCanceled(cancellationToken);
            }
        }))
        {
            await waiter.Task;
        }
    }
}
