namespace ELicense.Bench;

/// <summary>
/// Call deadlines without a timer per call: a gRPC deadline arms a timer and formats a grpc-timeout header
/// on every call, which the generator pays for at tens of thousands of calls a second. Instead, every
/// <see cref="SlotLength"/> a new cancellation source becomes current; calls started in that slot take its
/// token, and the source is cancelled once the deadline has passed for the slot's first call. A call thus
/// gets between the deadline and the deadline plus one slot. Aborting cancels every slot.
/// </summary>
public sealed class DeadlineSlots : IDisposable
{
    /// <summary>The deadline's granularity.</summary>
    public static readonly TimeSpan SlotLength = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;
    private readonly CancellationToken _abort;
    private readonly Queue<(long CancelAt, CancellationTokenSource Source)> _open = new();
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private CancellationTokenSource _current;

    /// <summary>Starts the slots; <paramref name="abort"/> cancels them all.</summary>
    public DeadlineSlots(TimeSpan deadline, TimeProvider time, CancellationToken abort)
    {
        _deadline = deadline;
        _time = time;
        _abort = abort;
        _current = Open(time.GetTimestamp());
        _timer = time.CreateTimer(static state => ((DeadlineSlots)state!).Advance(), this, SlotLength, SlotLength);
    }

    /// <summary>The token of a call starting now.</summary>
    public CancellationToken Current => Volatile.Read(ref _current).Token;

    /// <summary>Opens the next slot and cancels the ones whose deadline has passed (timer callback; public for tests).</summary>
    public void Advance()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Volatile.Write(ref _current, Open(now));
            while (_open.TryPeek(out var oldest) && oldest.CancelAt <= now)
            {
                _open.Dequeue();
                // No Dispose: a call may still register on the token; a source without a timer holds nothing to free.
                oldest.Source.Cancel();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private CancellationTokenSource Open(long now)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(_abort);
        _open.Enqueue((now + (long)(_deadline.TotalSeconds * _time.TimestampFrequency), source));
        return source;
    }
}
