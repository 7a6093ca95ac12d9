using ELicense.Server.Registry;

namespace ELicense.Server.Caching;

/// <summary>
/// When <see cref="ChangeFeedFollower"/> polls next: at its timer's tick, or sooner when the registry's
/// <see cref="IRegistryChangeSignal"/> says a change may have been committed, whichever comes first.
/// </summary>
/// <remarks>
/// Both waits stay armed across polls. The timer keeps its own schedule whatever the wake-ups do, so polls
/// are never rarer than with the timer alone (a wake-up does not push the next tick back). A signal that
/// arrives while the follower polls is kept by the signal, any number of them as one, and earns one more
/// poll: the running one may have read the feed before that change was committed.
/// </remarks>
internal sealed partial class ChangeFeedSchedule(TimeSpan interval, IRegistryChangeSignal signal, TimeProvider time, ILogger logger)
    : IDisposable
{
    private readonly PeriodicTimer _timer = new(interval, time);
    private Task<bool>? _tick;
    private Task? _wake;

    /// <summary>
    /// Waits for the next tick or wake-up (both at once count as one); false once the timer is disposed.
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// Not for concurrent callers: the one follower loop calls it between its polls.
    /// </summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        _tick ??= _timer.WaitForNextTickAsync(cancellationToken).AsTask();
        _wake ??= Arm(cancellationToken);
        await Task.WhenAny(_tick, _wake);

        if (_wake.IsCompleted)
        {
            _wake = await TakeAsync(_wake, cancellationToken);
        }

        if (_tick.IsCompleted)
        {
            var ticking = await _tick; // cancelled only when stopping: ends the loop
            _tick = null;
            return ticking;
        }

        return true;
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>
    /// The next wake-up, a signal that throws instead of returning a failed wait included: thrown here, it
    /// would end the follower's loop (and stop the host) rather than leave the timer to drive the polls.
    /// </summary>
    private Task Arm(CancellationToken cancellationToken)
    {
        try
        {
            return signal.WaitAsync(cancellationToken).AsTask();
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    /// <summary>
    /// Takes a completed wake-up: null to arm the next one. A signal that fails is a bug in it, not a reason
    /// to stop following the feed: the timer alone drives the polls from then on.
    /// </summary>
    private async Task<Task?> TakeAsync(Task wake, CancellationToken cancellationToken)
    {
        if (wake.IsFaulted)
        {
            LogSignalFailed(logger, wake.Exception);
            return Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        await wake; // cancelled only when stopping: ends the loop
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The registry change signal failed; following the change feed by polling alone.")]
    private static partial void LogSignalFailed(ILogger logger, Exception error);
}
