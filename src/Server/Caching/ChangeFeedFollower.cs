using ELicense.Server.Registry;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>
/// Follows the registry's change feed so that a lost pub/sub message leaves a replica stale for at most
/// one poll interval. Also keeps the pub/sub subscription alive across Redis outages.
/// </summary>
public sealed partial class ChangeFeedFollower(
    IRegistryStore store,
    CacheInvalidator invalidator,
    IOptions<CacheOptions> options,
    TimeProvider time,
    ILogger<ChangeFeedFollower> logger) : BackgroundService
{
    private const int BatchSize = 1000;
    private long _lastSequence = -1;

    /// <summary>The last change sequence applied (for tests and diagnostics).</summary>
    public long LastSequence => Interlocked.Read(ref _lastSequence);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ChangeFeedInterval, time);
        do
        {
            await invalidator.EnsureSubscribedAsync();
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        if (_lastSequence < 0)
        {
            // Start from now: the memory cache starts empty, so older changes are already reflected.
            Interlocked.Exchange(ref _lastSequence, await store.GetLatestChangeSequenceAsync(cancellationToken));
            return;
        }

        while (true)
        {
            var changes = await store.GetChangesAsync(_lastSequence, BatchSize, cancellationToken);
            if (changes.Count == 0)
            {
                return;
            }

            await invalidator.InvalidateAsync(changes, publish: false);
            Interlocked.Exchange(ref _lastSequence, changes[^1].Sequence);
            if (changes.Count < BatchSize)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the registry change feed failed; retrying at the next interval.")]
    private static partial void LogPollFailed(ILogger logger, Exception error);
}
