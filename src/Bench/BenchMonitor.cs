using System.Globalization;
using HdrHistogram;

namespace ELicense.Bench;

/// <summary>
/// Once a second during a run: ends the recorder's interval, appends the interval histograms to the
/// HdrHistogram log (all operations, and each one tagged when there are several), and rewrites the
/// progress line (throughput of the last second, p99 so far, errors, in flight) on stderr.
/// </summary>
public sealed class BenchMonitor(
    BenchRecorder recorder,
    BenchClock clock,
    long runStart,
    long measureStart,
    TextWriter? progress,
    HdrLogWriter? log,
    Func<int> inFlight)
{
    private long _lastTick = long.MinValue;
    private bool _lineOpen;

    /// <summary>Ticks every second until <paramref name="stop"/>, on whole seconds from the measurement's start.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var second = clock.Frequency;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var sinceMeasure = clock.Now - measureStart;
                var next = measureStart + ((sinceMeasure >= 0 ? (sinceMeasure / second) + 1 : -(-sinceMeasure / second)) * second);
                await Task.Delay(clock.ToTimeSpan(Math.Max(0, next - clock.Now)), clock.Time, stop);
                Tick(clock.Now);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over; Finish takes the last interval.
        }
    }

    /// <summary>Takes the last (partial) interval and ends the progress line.</summary>
    public void Finish()
    {
        Tick(clock.Now);
        if (_lineOpen)
        {
            progress!.Write('\n');
            progress.Flush();
            _lineOpen = false;
        }

        log?.Flush();
    }

    private void Tick(long now)
    {
        var intervals = recorder.Sample();
        var total = recorder.LastInterval;
        var from = Math.Max(_lastTick == long.MinValue ? runStart : _lastTick, measureStart);
        var seconds = clock.ToTimeSpan(now - from).TotalSeconds;
        _lastTick = now;
        if (log is not null && now > measureStart)
        {
            var offset = clock.ToTimeSpan(from - measureStart).TotalSeconds;
            log.Append(total, offset, seconds, tag: null);
            if (intervals.Count > 1)
            {
                for (var i = 0; i < intervals.Count; i++)
                {
                    log.Append(intervals[i], offset, seconds, recorder.OperationNames[i]);
                }
            }
        }

        if (progress is not null)
        {
            WriteProgress(now, total, seconds);
        }
    }

    private void WriteProgress(long now, HistogramBase interval, double seconds)
    {
        var elapsed = clock.ToTimeSpan(now - runStart).TotalSeconds;
        var text = now < measureStart
            ? string.Create(CultureInfo.InvariantCulture, $"{elapsed,6:0.0} s  warming up…  in flight {inFlight():N0}")
            : string.Create(CultureInfo.InvariantCulture,
                $"{elapsed,6:0.0} s  {(seconds > 0 ? interval.TotalCount / seconds : 0),10:N0} req/s  p99 {BenchText.FormatNanoseconds(recorder.CumulativeP99),9}  errors {recorder.Errors:N0}  in flight {inFlight():N0}");
        progress!.Write("\r" + text.PadRight(78));
        progress.Flush();
        _lineOpen = true;
    }
}
