using System.Net;
using ELicense.Server.Caching;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// In the background, every heartbeat: beats into Redis (so peers can tell when this replica goes silent),
/// checks the epoch and learns the marker, publishes this replica's announcements, checks the run_id of
/// every Redis server every beat (once per server, not per bucket: see <see cref="RunIdReaders"/>), and writes back the claims Redis is missing — the earliest claim keeps ownership — in
/// bounded batches, trying again next beat while Redis is away.
/// </summary>
public sealed partial class ClaimWriteBack(
    RedisClaimStore store,
    ClaimLossDetector detector,
    LocalClaims local,
    ClaimWriteBackQueue queue,
    IOptions<ReplayOptions> options,
    TimeProvider time,
    ILogger<ClaimWriteBack> logger) : BackgroundService
{
    private readonly ReplayOptions _options = options.Value;
    private volatile bool _restoreAllWanted;
    private long _written;
    private long _settled;
    private long _probes;

    /// <summary>Claims written back into Redis since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Probes that reached every bucket since start.</summary>
    public long Probes => Interlocked.Read(ref _probes);

    /// <summary>
    /// Claims the write-back has settled since start: written, or found already held by Redis with the same
    /// or an earlier claim (e.g. a claim whose call timed out while Redis was frozen, executed on the thaw).
    /// </summary>
    public long Settled => Interlocked.Read(ref _settled);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Multiplexer is not { } multiplexer)
        {
            return; // no Redis: nothing to write back to
        }

        // Nothing is authoritative before the first probe has seen every bucket and looked for the previous build.
        detector.ConnectionFailed();
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.HashSlotMoved += OnHashSlotMoved;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        detector.LossNoticed += OnLossNoticed;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await queue.WaitAsync(_options.HeartbeatInterval, stoppingToken); // the heartbeat's cadence, or sooner when woken
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            await LeaveAsync();
            multiplexer.ConnectionFailed -= OnConnectionFailed;
            multiplexer.HashSlotMoved -= OnHashSlotMoved;
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            detector.LossNoticed -= OnLossNoticed;
        }
    }

    /// <summary>One pass: the heartbeat probe, then the queue. False when Redis failed (tried again next beat).</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The heartbeat, and with it the epoch, replication id and run_id checks and this replica's marks.
            var generation = detector.LocalGeneration;
            await ProbeAsync(cancellationToken);

            if (_restoreAllWanted)
            {
                _restoreAllWanted = false;
                QueueAllKnown();
            }

            var drained = await DrainAsync(cancellationToken);
            if (drained && queue.Dropped == 0)
            {
                // Every claim made without the store up to that answer is in Redis now (none was dropped).
                detector.WrittenBack(generation);
            }

            return drained;
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e) || e is RedisServerException)
        {
            LogRetrying(logger, e);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug here must not stop the host or the heartbeat: log it loudly and beat again.
            LogFailed(logger, e);
            return false;
        }
    }

    /// <summary>
    /// Beats into every bucket at once and takes in each reply that came; only when every bucket answered is the
    /// heartbeat acknowledged and the suspicion cleared (a bucket on a shard that is down stays suspect).
    /// Then the check for replicas of the previous build, even when a bucket failed. Throws the first bucket's failure.
    /// </summary>
    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var suspicion = detector.Suspicion;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var contexts = Enumerable.Range(0, ReplayKeys.Count).Select(b => detector.Context(nowMs, probe: true, bucket: b)).ToArray();
        var servers = store.ServersOf(ReplayKeys.Count);
        var readers = RunIdReaders(servers);
        var replies = store.ProbeAll(contexts, readers, cancellationToken);
        try
        {
            await Task.WhenAll(replies);
        }
        catch (Exception) when (replies.Any(r => r.IsFaulted))
        {
            // what the failed buckets said is lost; what the others said still counts
        }

        for (var b = 0; b < replies.Length; b++)
        {
            if (replies[b].IsCompletedSuccessfully)
            {
                detector.Observe(replies[b].Result, contexts[b]);
            }
        }

        for (var b = 0; b < replies.Length; b++)
        {
            if (readers[b] && replies[b].IsCompletedSuccessfully)
            {
                // What one bucket's script read is its server's run_id: it judges every bucket that server serves.
                detector.ObserveRunId(replies[b].Result.RunId, SameServer(servers, b));
            }
        }

        // The previous build's check even when a shard is down (its keys are on one slot): a timed-out bucket raises
        // no suspicion, so skipping it would leave its replicas, started meanwhile, unseen by every other bucket.
        detector.ObserveLegacy(await store.LegacyUntilAsync(nowMs, (long)detector.Window.TotalMilliseconds, detector.ForgetAfterMs, cancellationToken));
        if (replies.FirstOrDefault(r => !r.IsCompletedSuccessfully) is { } failed)
        {
            await failed; // throws its failure (or cancellation)
        }

        detector.HeartbeatAcknowledged(nowMs);
        detector.Probed(suspicion, contexts[0]);
        Interlocked.Increment(ref _probes);
    }

    /// <summary>
    /// Which buckets' beats read the run_id (`INFO server`, about 8 µs of Redis CPU): the first bucket of each server,
    /// every beat, so a restart is found within a beat even when no connection broke (a proxy that keeps the client's
    /// connection open across the server's restart raises no event). Once per server, not per bucket: on a single Redis
    /// 1 INFO per beat instead of 64. A bucket whose server is unknown reads its own.
    /// </summary>
    internal static bool[] RunIdReaders(IReadOnlyList<EndPoint?> servers)
    {
        var readers = new bool[servers.Count];
        var seen = new HashSet<EndPoint>();
        for (var b = 0; b < servers.Count; b++)
        {
            readers[b] = servers[b] is not { } server || seen.Add(server);
        }

        return readers;
    }

    /// <summary>The buckets served by the same server as <paramref name="reader"/> (itself alone when unknown).</summary>
    internal static int[] SameServer(IReadOnlyList<EndPoint?> servers, int reader) =>
        servers[reader] is { } server ? [.. Enumerable.Range(0, servers.Count).Where(b => server.Equals(servers[b]))] : [reader];

    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingClaim>(_options.WriteBackBatch);
        var (written, kept, expired) = (0, 0, 0);
        try
        {
            while (true)
            {
                batch.Clear();
                expired += queue.TakeBatch(batch, _options.WriteBackBatch);
                if (batch.Count == 0)
                {
                    return true;
                }

                var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
                var results = batch.Select(c => store.WriteBackAsync(c, TimeSpan.FromMilliseconds(c.KeepUntilMs - nowMs), cancellationToken).AsTask()).ToArray();
                try
                {
                    await Task.WhenAll(results);
                }
                catch (Exception) when (results.Any(r => r.IsFaulted))
                {
                    // Requeue what did not land; the earliest-wins write makes writing one twice harmless.
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (!results[i].IsCompletedSuccessfully)
                        {
                            queue.Enqueue(batch[i]);
                        }
                    }

                    throw results.First(r => r.IsFaulted).Exception!.InnerException!;
                }

                var landed = results.Count(r => r.Result);
                (written, kept) = (written + landed, kept + batch.Count - landed);
                Interlocked.Add(ref _written, landed);
                Interlocked.Add(ref _settled, batch.Count);
            }
        }
        finally
        {
            if (written + kept + expired > 0)
            {
                LogWrittenBack(logger, written, kept, expired, queue.Count);
            }
        }
    }

    // Raised on a request's thread: the walk over every known claim happens on the loop instead.
    private void OnLossNoticed()
    {
        _restoreAllWanted = true;
        queue.Wake();
    }

    private void QueueAllKnown()
    {
        // Redis forgot: give it back every claim this replica still knows, the original owners included.
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var count = 0;
        foreach (var claim in local.Live(nowMs))
        {
            count += queue.Enqueue(claim) ? 1 : 0;
        }

        LogLossNoticed(logger, count, detector.IncompleteUntil);
    }

    private async Task LeaveAsync()
    {
        // Answered alone, or claims still queued: peers may not know yet (no mark published, claims not in
        // Redis). One last pass publishes and writes back; if Redis fails it, this replica stays in the
        // heartbeats, so peers see it silent (not authoritative) instead of taking it for gone.
        if ((detector.AnsweredAlone || queue.Count > 0) && !await RunOnceAsync(CancellationToken.None))
        {
            return;
        }

        try
        {
            await store.LeaveAsync(detector.ReplicaId, CancellationToken.None);
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e))
        {
            LogRetrying(logger, e); // peers will see this replica silent, then forget it after a window
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => detector.ConnectionFailed();

    // A slot moved: a failover or a migration. The probe, woken at once, reads each bucket's replication id.
    private void OnHashSlotMoved(object? sender, HashSlotMovedEventArgs e)
    {
        detector.ConnectionFailed();
        queue.Wake();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => queue.Wake(); // probe at once

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay store may have lost claims: {Queued} claims this replica knows queued for write-back; replay checks are not authoritative until {Until:u}.")]
    private static partial void LogLossNoticed(ILogger logger, int queued, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay claims written back to Redis: {Written} written, {Kept} already held an earlier claim, {Expired} expired unwritten; {Waiting} still queued.")]
    private static partial void LogWrittenBack(ILogger logger, int written, int kept, int expired, int waiting);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replay heartbeat and write-back failed; trying again next beat.")]
    private static partial void LogFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replay write-back: Redis unavailable; trying again.")]
    private static partial void LogRetrying(ILogger logger, Exception error);
}
