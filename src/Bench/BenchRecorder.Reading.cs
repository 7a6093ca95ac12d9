using Grpc.Core;
using HdrHistogram;

namespace ELicense.Bench;

/// <summary>The recorder's reading side: running totals for the progress line, and the statistics for the report.</summary>
public sealed partial class BenchRecorder
{
    /// <summary>Answered requests so far (sampled or not).</summary>
    public long Completed
    {
        get
        {
            long sum = 0;
            foreach (var operation in _operations)
            {
                for (var s = 0; s < StatusSlots; s++)
                {
                    sum += Volatile.Read(ref operation.Statuses[s]);
                }
            }

            return sum;
        }
    }

    /// <summary>Errors so far: non-OK answers and requests not sent.</summary>
    public long Errors
    {
        get
        {
            long sum = 0;
            foreach (var operation in _operations)
            {
                sum += Volatile.Read(ref operation.NotSent);
                for (var s = 1; s < StatusSlots; s++)
                {
                    sum += Volatile.Read(ref operation.Statuses[s]);
                }
            }

            return sum;
        }
    }

    /// <summary>The 99th percentile of everything sampled so far, in nanoseconds.</summary>
    public double CumulativeP99
    {
        get
        {
            lock (_sampleGate)
            {
                var all = NewHistogram();
                foreach (var operation in _operations)
                {
                    all.Add(operation.Cumulative);
                }

                return all.TotalCount == 0 ? 0 : all.GetValueAtPercentile(99);
            }
        }
    }

    /// <summary>The statistics of everything recorded (takes a last sample first).</summary>
    public BenchStatistics Snapshot()
    {
        Sample();
        lock (_sampleGate)
        {
            var all = NewHistogram();
            var statuses = new long[StatusSlots];
            var verdicts = new long[VerdictSlots];
            var perOperation = new List<OperationStatistics>();
            long notSent = 0, abandoned = 0;
            foreach (var operation in _operations)
            {
                all.Add(operation.Cumulative);
                for (var s = 0; s < StatusSlots; s++)
                {
                    statuses[s] += Interlocked.Read(ref operation.Statuses[s]);
                }

                for (var v = 0; v < VerdictSlots; v++)
                {
                    verdicts[v] += Interlocked.Read(ref operation.Verdicts[v]);
                }

                notSent += Interlocked.Read(ref operation.NotSent);
                abandoned += Interlocked.Read(ref operation.Abandoned);
                perOperation.Add(Statistics(operation.Name, operation.Cumulative, operation.Statuses, operation.Verdicts,
                    Interlocked.Read(ref operation.NotSent), Interlocked.Read(ref operation.Abandoned)));
            }

            return new BenchStatistics(
                perOperation,
                Statistics("all", all, statuses, verdicts, notSent, abandoned),
                _sendLag is null ? null : LatencySummary.From(_sendLagTotal),
                Interlocked.Read(ref _warmup));
        }
    }

    /// <summary>Every operation's cumulative histogram, merged: for the report's totals and tests.</summary>
    public LongHistogram MergedHistogram()
    {
        lock (_sampleGate)
        {
            var all = NewHistogram();
            foreach (var operation in _operations)
            {
                all.Add(operation.Cumulative);
            }

            return all;
        }
    }

    private static OperationStatistics Statistics(string name, HistogramBase latency, long[] statuses, long[] verdicts, long notSent, long abandoned)
    {
        var statusCounts = new SortedDictionary<StatusCode, long>();
        for (var s = 0; s < statuses.Length; s++)
        {
            var count = Interlocked.Read(ref statuses[s]);
            if (count > 0)
            {
                statusCounts[(StatusCode)s] = count;
            }
        }

        var verdictCounts = new SortedDictionary<int, long>();
        for (var v = 0; v < verdicts.Length; v++)
        {
            var count = Interlocked.Read(ref verdicts[v]);
            if (count > 0)
            {
                verdictCounts[v] = count;
            }
        }

        return new OperationStatistics(name, statusCounts.Values.Sum(), notSent, abandoned, LatencySummary.From(latency), statusCounts, verdictCounts);
    }
}
