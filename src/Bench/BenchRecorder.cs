using Grpc.Core;
using HdrHistogram;

namespace ELicense.Bench;

/// <summary>
/// Records outcomes from any thread: per operation, a latency <see cref="Recorder"/> (HdrHistogram,
/// nanoseconds, 3 significant digits, up to an hour) and status and verdict counters. The sampler takes
/// interval histograms once a second (for the progress line and the histogram log) and folds them into
/// the cumulative ones the report is made from. Warm-up outcomes are only counted. This part records and
/// samples; BenchRecorder.Reading.cs reads the totals (progress line, report).
/// </summary>
public sealed partial class BenchRecorder : IBenchSink
{
    /// <summary>The highest latency kept apart; longer ones count as this (an hour: far past any deadline).</summary>
    public const long HighestTrackableNanoseconds = 3_600_000_000_000;

    private const int SignificantDigits = 3;
    private const int StatusSlots = 17; // gRPC status codes 0..16
    private const int VerdictSlots = RoadsideOutcome.Slots; // verify's verdicts, or roadside's outcome codes

    private readonly Operation[] _operations;
    private readonly Recorder? _sendLag;
    private readonly LongHistogram _sendLagTotal = NewHistogram();
    private readonly double _nanosecondsPerTick;
    private readonly Lock _sampleGate = new();
    private HistogramBase? _sendLagRecycle;
    private long _warmup;

    /// <summary>Creates a recorder for the named operations; <paramref name="trackSendLag"/> for open-loop runs.</summary>
    public BenchRecorder(IReadOnlyList<string> operationNames, long ticksPerSecond, bool trackSendLag)
    {
        _operations = operationNames.Select(name => new Operation(name)).ToArray();
        _nanosecondsPerTick = 1e9 / ticksPerSecond;
        _sendLag = trackSendLag ? NewRecorder() : null;
        LastInterval = NewHistogram();
    }

    /// <summary>The operations' names, in order.</summary>
    public IReadOnlyList<string> OperationNames => _operations.Select(o => o.Name).ToArray();

    /// <summary>The last interval of all operations together (after <see cref="Sample"/>).</summary>
    public HistogramBase LastInterval { get; private set; }

    /// <inheritdoc />
    public void Record(in CallOutcome outcome, bool measured, long latencyTicks, long sendLagTicks)
    {
        if (!measured)
        {
            Interlocked.Increment(ref _warmup);
            return;
        }

        var operation = _operations[Math.Clamp(outcome.Operation, 0, _operations.Length - 1)];
        switch (outcome.Result)
        {
            case CallResult.Completed:
                operation.Latency.RecordValue(ToNanoseconds(latencyTicks));
                Interlocked.Increment(ref operation.Statuses[Math.Clamp((int)outcome.Status, 0, StatusSlots - 1)]);
                if (outcome.Verdict >= 0)
                {
                    Interlocked.Increment(ref operation.Verdicts[Math.Min(outcome.Verdict, VerdictSlots - 1)]);
                }

                break;
            case CallResult.NotSent:
                Interlocked.Increment(ref operation.NotSent);
                return;
            default:
                Interlocked.Increment(ref operation.Abandoned);
                break;
        }

        _sendLag?.RecordValue(ToNanoseconds(sendLagTicks));
    }

    /// <summary>
    /// Ends the current interval: returns each operation's interval histogram and adds them to the
    /// cumulative ones. The returned histograms are reused by the next call: use them before it.
    /// </summary>
    public IReadOnlyList<HistogramBase> Sample()
    {
        lock (_sampleGate)
        {
            var total = NewHistogram();
            var intervals = new HistogramBase[_operations.Length];
            for (var i = 0; i < _operations.Length; i++)
            {
                var operation = _operations[i];
                var interval = operation.Latency.GetIntervalHistogram(operation.Recycle);
                operation.Recycle = interval;
                operation.Cumulative.Add(interval);
                total.Add(interval);
                intervals[i] = interval;
            }

            if (_sendLag is not null)
            {
                _sendLagRecycle = _sendLag.GetIntervalHistogram(_sendLagRecycle);
                _sendLagTotal.Add(_sendLagRecycle);
            }

            LastInterval = total;
            return intervals;
        }
    }

    private long ToNanoseconds(long ticks) =>
        ticks <= 0 ? 0 : (long)Math.Min(ticks * _nanosecondsPerTick, HighestTrackableNanoseconds);

    private static LongHistogram NewHistogram() => new(1, HighestTrackableNanoseconds, SignificantDigits);

    private static Recorder NewRecorder() => new(1, HighestTrackableNanoseconds, SignificantDigits,
        (id, lowest, highest, digits) => new LongConcurrentHistogram(id, lowest, highest, digits));

    /// <summary>One operation's recorder and counters (fields, for Interlocked).</summary>
    private sealed class Operation(string name)
    {
        public readonly string Name = name;
        public readonly Recorder Latency = NewRecorder();
        public readonly LongHistogram Cumulative = NewHistogram();
        public readonly long[] Statuses = new long[StatusSlots];
        public readonly long[] Verdicts = new long[VerdictSlots];
        public long NotSent;
        public long Abandoned;
        public HistogramBase? Recycle;
    }
}
