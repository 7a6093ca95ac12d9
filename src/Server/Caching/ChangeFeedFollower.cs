using ELicense.Server.Registry;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>
/// Follows the registry's change feed so that a lost pub/sub message leaves a replica stale for at most
/// one poll interval. Each successful poll is reported to <see cref="InvalidationState"/>, which bounds
/// every cached answer's lag by it (the subscription is <see cref="InvalidationHeartbeat"/>'s job).
/// </summary>
/// <remarks>
/// It polls on its timer and, sooner, when the engine's <see cref="IRegistryChangeSignal"/> says a change may
/// have been committed (PostgreSQL's <c>NOTIFY</c>); the signal is only a hint, the timer the backstop. One
/// loop does every poll, so polls never overlap, and a burst of signals collapses into at most two polls.
/// </remarks>
public sealed partial class ChangeFeedFollower(
    IRegistryStore store,
    IRegistryChangeSignal signal,
    CacheInvalidator invalidator,
    ChangeTracker tracker,
    CacheKeys cacheKeys,
    InvalidationState state,
    IOptions<CacheOptions> options,
    TimeProvider time,
    ILogger<ChangeFeedFollower> logger) : BackgroundService
{
    private const int BatchSize = 1000;

    /// <summary>The last change sequence applied (-1 before the feed was first read).</summary>
    public long LastSequence => tracker.Sequence;

    /// <summary>Reads the feed once before the server takes calls, so that no read is stamped before it.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var started = state.PollStarting();
            await InitializeAsync(cancellationToken);
            state.PollSucceeded(started);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Entries stamped -1 are refused for every key with a known change: safe, if slower, until the feed is read.
            LogPollFailed(logger, e);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var schedule = new ChangeFeedSchedule(options.Value.ChangeFeedInterval, signal, time, logger);
        do
        {
            await PollOnceAsync(stoppingToken);
        }
        while (await schedule.WaitAsync(stoppingToken));
    }

    /// <summary>
    /// One poll, accounted for whatever started it (the start, the timer or a wake-up): its start bounds
    /// the lag of every cached answer once it succeeds.
    /// </summary>
    private async Task PollOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Taken before the registry is read: every change committed before it is in what the poll reads.
            var started = state.PollStarting();
            if (tracker.Sequence < 0)
            {
                await InitializeAsync(stoppingToken);
            }

            await PollAsync(stoppingToken);
            state.PollSucceeded(started);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogPollFailed(logger, e);
        }
    }

    /// <summary>
    /// Remembers the changes of the last <see cref="ChangeTracker.Retention"/>: copies read before them
    /// may still sit in Redis (a delete lost while this replica was down), and must be refused.
    /// </summary>
    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var from = await store.GetLastChangeSequenceBeforeAsync(time.GetUtcNow() - tracker.Retention, cancellationToken);
        var latest = await store.GetLatestChangeSequenceAsync(cancellationToken);
        while (from < latest)
        {
            var changes = await store.GetChangesAsync(from, BatchSize, cancellationToken);
            if (changes.Count == 0)
            {
                break;
            }

            foreach (var change in changes)
            {
                tracker.Record(cacheKeys.For(change), change.Sequence);
            }

            from = changes[^1].Sequence;
        }

        tracker.Advance(Math.Max(from, latest));
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changes = await store.GetChangesAsync(tracker.Sequence, BatchSize, cancellationToken);
            if (changes.Count == 0)
            {
                return;
            }

            await invalidator.InvalidateAsync(changes, publish: false);
            tracker.Advance(changes[^1].Sequence);
            if (changes.Count < BatchSize)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the registry change feed failed; retrying at the next interval.")]
    private static partial void LogPollFailed(ILogger logger, Exception error);
}
