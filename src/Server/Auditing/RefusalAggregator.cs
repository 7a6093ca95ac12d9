using ELicense.V1;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>
/// The audit records of refused calls (no or a wrong key, a role that may not call, over the rate limit,
/// bytes that are no request): one record per caller, method, subject and result per second of the
/// server's clock, with the number of calls it stands for, appended through the ordinary audit path.
/// </summary>
/// <remarks>
/// A refusal releases no data, so the refused caller is answered at once and its record follows within
/// about a second (a crash can lose that last second of refusals, never a check). What a flood costs the
/// audit trail is bounded by the number of distinct callers and methods, not by its rate; past
/// <see cref="RefusalAuditOptions.MaxRecordsPerSecond"/> distinct records in one second, further refusals
/// are counted in records without subject, and those of strangers under <see cref="ManyAnonymous"/>.
/// </remarks>
public sealed partial class RefusalAggregator : IHostedService, IDisposable
{
    /// <summary>The caller of strangers' refusals past the bound of one second, whatever their peers.</summary>
    public const string ManyAnonymous = AuditSubjects.AnonymousPrefix + "many";

    private readonly IAuditLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger<RefusalAggregator> _logger;
    private readonly RefusalAuditOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<RefusalKey, Tally> _pending = [];
    private ITimer? _timer;
    private Task _lastFlush = Task.CompletedTask;

    public RefusalAggregator(IAuditLog log, TimeProvider time, ILogger<RefusalAggregator> logger, IOptions<RefusalAuditOptions> options)
    {
        _log = log;
        _time = time;
        _logger = logger;
        _options = options.Value;
    }

    /// <summary>Raised with the records of each flush once they are committed (tests wait on it).</summary>
    internal event Action<IReadOnlyList<AuditRecord>>? Flushed;

    /// <summary>The flush started last (tests await it after advancing a fake clock).</summary>
    internal Task LastFlush => _lastFlush;

    /// <param name="callerId">The configured caller, or <see cref="AuditSubjects.Anonymous"/> of the peer.</param>
    /// <param name="subject">A keyed subject (<see cref="AuditSubjects"/>), or "" when the refusal names none.</param>
    /// <param name="result">The status the call was refused with, e.g. "ResourceExhausted".</param>
    /// <param name="detail">For the log line of a malformed request: what was wrong (a field path); never request data.</param>
    public void Record(string callerId, string method, string subject, string result, string? detail = null)
    {
        var now = _time.GetUtcNow();
        var key = new RefusalKey(now.ToUnixTimeSeconds(), callerId, method, subject, result);
        lock (_gate)
        {
            if (_pending.TryGetValue(key, out var tally))
            {
                tally.Count++;
                return;
            }

            if (_pending.Count >= _options.MaxRecordsPerSecond)
            {
                // Over the bound: still counted, without what a flood can vary without end — the subject,
                // and the peer of a stranger (configured callers, methods and results are few).
                key = key with { Subject = "", CallerId = callerId.StartsWith(AuditSubjects.AnonymousPrefix, StringComparison.Ordinal) ? ManyAnonymous : callerId };
                if (_pending.TryGetValue(key, out tally))
                {
                    tally.Count++;
                    return;
                }
            }

            _pending[key] = new Tally(now, detail);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _time.CreateTimer(_ => Flush(all: false), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    /// <summary>Writes everything still pending; stopped before the audit log, so the records still get in.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await _lastFlush.WaitAsync(cancellationToken);
        Flush(all: true);
        await _lastFlush.WaitAsync(cancellationToken);
    }

    /// <summary>Appends the records of every second that has ended (every second, when <paramref name="all"/>).</summary>
    private void Flush(bool all)
    {
        var current = _time.GetUtcNow().ToUnixTimeSeconds();
        List<(RefusalKey Key, Tally Tally)> due = [];
        lock (_gate)
        {
            foreach (var (key, tally) in _pending)
            {
                if (all || key.Second < current)
                {
                    due.Add((key, tally));
                }
            }

            foreach (var (key, _) in due)
            {
                _pending.Remove(key);
            }

            if (due.Count > 0)
            {
                // Chained, so that a test awaiting LastFlush also awaits every flush before it.
                _lastFlush = AppendAsync(_lastFlush, due);
            }
        }
    }

    private async Task AppendAsync(Task previous, List<(RefusalKey Key, Tally Tally)> due)
    {
        await previous;
        var records = due.Select(d => new AuditRecord(d.Tally.First, d.Key.CallerId, "", d.Key.Method, d.Key.Subject,
            LookupPurpose.Unspecified, d.Key.Result, DataSource.Unspecified, d.Tally.Count)).ToList();
        LogMalformed(due);
        try
        {
            await Task.WhenAll(records.Select(r => _log.AppendAsync(r, CancellationToken.None).AsTask()));
            Flushed?.Invoke(records);
        }
        catch (Exception e)
        {
            // Whatever failed, the next flush must still run (flushes are chained): report and go on.
            LogAppendFailed(_logger, records.Count, e.Message);
        }
    }

    /// <summary>One short line per aggregated malformed request, at most a few a second, the rest summed up.</summary>
    private void LogMalformed(List<(RefusalKey Key, Tally Tally)> due)
    {
        var lines = 0;
        var suppressed = 0;
        foreach (var (key, tally) in due)
        {
            if (tally.Detail is null)
            {
                continue;
            }

            if (lines++ < _options.MaxLogLinesPerSecond)
            {
                LogMalformedRequest(_logger, tally.Count, key.Method, key.CallerId, tally.Detail);
            }
            else
            {
                suppressed += tally.Count;
            }
        }

        if (suppressed > 0)
        {
            LogMalformedSuppressed(_logger, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} malformed request(s) to {Method} from {Caller}: {Detail}.")]
    private static partial void LogMalformedRequest(ILogger logger, int count, string method, string caller, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} more malformed request(s) in the same second (not logged one by one).")]
    private static partial void LogMalformedSuppressed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} refusal record(s) could not be appended to the audit trail: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, int count, string reason);

    public void Dispose() => _timer?.Dispose();

    private readonly record struct RefusalKey(long Second, string CallerId, string Method, string Subject, string Result);

    private sealed class Tally(DateTimeOffset first, string? detail)
    {
        public DateTimeOffset First { get; } = first;

        public string? Detail { get; } = detail;

        public int Count { get; set; } = 1;
    }
}
