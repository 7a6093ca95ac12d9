using System.Collections.Concurrent;
using System.Net;
using ELicense.Server.Caching;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ELicense.Server.Verification.Replay;

/// <summary>
/// Optional (<see cref="ReplayOptions.WaitReplicas"/>): after a claim, waits until that master's replicas hold it
/// (WAIT), so that a failover does not lose acknowledged claims and a replay after it is still caught. Group
/// commit per master: WAIT counts every write sent before it on the connection and blocks that connection
/// while it runs, so one WAIT at a time per master covers every claim that landed before it was sent, and
/// claims arriving meanwhile share the next one. A WAIT that falls short (no replica, e.g. right after a
/// failover) makes that master's claims skip waiting for a second, so that a missing replica costs one
/// timeout a second and not one per scan. It never changes an answer's authority: what a failover may lose is
/// still found by the replication-id check (<see cref="ClaimScripts.Claim"/>), WAIT or not.
/// </summary>
public sealed partial class ReplicaWait(RedisConnection redis, IOptions<ReplayOptions> options, TimeProvider time, ILogger<ReplicaWait> logger)
{
    private static readonly TimeSpan SkipAfterShortfall = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = time;
    private readonly int _replicas = options.Value.WaitReplicas;
    private readonly long _timeoutMs = Math.Max(1L, (long)options.Value.WaitTimeout.TotalMilliseconds);
    private readonly ConcurrentDictionary<EndPoint, Master> _masters = new();
    private long _waits;
    private long _shortfalls;

    /// <summary>True when claims wait for replicas.</summary>
    public bool Enabled => _replicas > 0;

    /// <summary>WAIT commands sent since start (each covers a group of claims).</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>Claims answered without the wanted replicas holding them (short WAIT, skipped, or failed).</summary>
    public long Shortfalls => Interlocked.Read(ref _shortfalls);

    /// <summary>Waits until the replicas of the master holding <paramref name="claimKey"/> hold every claim sent to it so far; true when they do.</summary>
    public async ValueTask<bool> ReplicatedAsync(RedisKey claimKey, CancellationToken cancellationToken)
    {
        var replicated = false;
        try
        {
            var server = (redis.Multiplexer ?? throw new RedisException("Redis is not configured.")).GetServer(claimKey, null, CommandFlags.DemandMaster);
            var master = _masters.GetOrAdd(server.EndPoint, static (_, s) => new Master(s.wait, s.server), (wait: this, server));
            replicated = await master.JoinAsync().WaitAsync(TimeSpan.FromMilliseconds(_timeoutMs * 2 + 1000), _time, cancellationToken);
        }
        catch (Exception e) when (RedisConnection.IsRedisFailure(e))
        {
            LogWaitFailed(logger, e); // the claim itself is in Redis: only its copy is unconfirmed
        }

        if (!replicated)
        {
            Interlocked.Increment(ref _shortfalls);
        }

        return replicated;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replay claim: WAIT for replicas failed; answered without the copy confirmed.")]
    private static partial void LogWaitFailed(ILogger logger, Exception error);

    /// <summary>One master's group commit: at most one WAIT in flight, the next one gathering the claims that come meanwhile.</summary>
    private sealed class Master(ReplicaWait wait, IServer server)
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource<bool>? _next;
        private bool _running;
        private long _skipUntilMs;

        public Task<bool> JoinAsync()
        {
            lock (_gate)
            {
                if (wait._time.GetUtcNow().ToUnixTimeMilliseconds() < _skipUntilMs)
                {
                    return Task.FromResult(false);
                }

                _next ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var joined = _next.Task;
                if (!_running)
                {
                    _running = true;
                    _ = RunAsync();
                }

                return joined;
            }
        }

        private async Task RunAsync()
        {
            while (true)
            {
                TaskCompletionSource<bool>? group;
                lock (_gate)
                {
                    (group, _next) = (_next, null);
                    if (group is null)
                    {
                        _running = false;
                        return;
                    }
                }

                try
                {
                    Interlocked.Increment(ref wait._waits);
                    var acked = (long)await server.ExecuteAsync("WAIT", wait._replicas, wait._timeoutMs);
                    var enough = acked >= wait._replicas;
                    if (!enough)
                    {
                        lock (_gate)
                        {
                            _skipUntilMs = wait._time.GetUtcNow().ToUnixTimeMilliseconds() + (long)SkipAfterShortfall.TotalMilliseconds;
                        }
                    }

                    group.SetResult(enough);
                }
                catch (Exception e)
                {
                    group.SetException(e);
                }
            }
        }
    }
}
