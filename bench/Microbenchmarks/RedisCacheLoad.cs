using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ELicense.Microbenchmarks;

/// <summary>
/// <see cref="RedisCacheBenchmarks"/> run interleaved by hand, for a noisy shared host where
/// BenchmarkDotNet's few long iterations swing with the neighbours' load: every round times each
/// operation for about 10 ms, in alternating order, so a plain operation and its protected counterpart
/// always meet the same conditions; it prints the median ns per call over the rounds and the median of
/// the per-round ratios. On Linux it counts this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall
/// time, so that time spent descheduled by the neighbours is not charged to the operation.
/// </summary>
internal static partial class RedisCacheLoad
{
    public const string Usage = "Usage: redis-cache [ROUNDS (default 41)]";

    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(10);

    public static int Run(string[] args)
    {
        var rounds = 41;
        if (args.Length > 1 || (args.Length == 1 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out rounds) || rounds < 3)))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var bench = new RedisCacheBenchmarks();
        bench.Setup();
        (string Name, Action Call)[] operations =
        [
            ("PlainKey", () => bench.PlainKey()),
            ("HashedKey", () => bench.HashedKey()),
            ("PlainParse", () => bench.PlainParse()),
            ("OpenAndParse", () => bench.OpenAndParse()),
            ("PlainSerialize", () => bench.PlainSerialize()),
            ("SerializeAndSeal", () => bench.SerializeAndSeal()),
            ("VerifyAsync", () => bench.VerifyAsync().GetAwaiter().GetResult()),
        ];

        var batch = operations.Select(o => Calibrate(o.Call)).ToArray();
        var nsPerCall = operations.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var j = 0; j < operations.Length; j++)
            {
                var i = round % 2 == 0 ? j : operations.Length - 1 - j; // alternate the order
                var started = NowNs();
                for (var n = 0; n < batch[i]; n++)
                {
                    operations[i].Call();
                }

                nsPerCall[i].Add((NowNs() - started) / batch[i]);
            }
        }

        var median = nsPerCall.Select(Median).ToArray();
        Console.WriteLine(FormattableString.Invariant($"{rounds} interleaved rounds of ~{Slice.TotalMilliseconds:0} ms per operation; median ns per call ({(OperatingSystem.IsLinux() ? "thread CPU time" : "wall time")})"));
        for (var i = 0; i < operations.Length; i++)
        {
            Console.WriteLine(FormattableString.Invariant($"  {operations[i].Name,-17} {median[i],10:0.0} ns"));
        }

        var verify = median[^1];
        for (var pair = 0; pair < 3; pair++)
        {
            int plain = pair * 2, guarded = plain + 1;
            var ratio = Median(nsPerCall[guarded].Zip(nsPerCall[plain], (g, p) => g / p).ToList());
            Console.WriteLine(FormattableString.Invariant(
                $"  {operations[guarded].Name} / {operations[plain].Name}: {ratio:0.00}x (median of per-round ratios); +{median[guarded] - median[plain]:0} ns = {(median[guarded] - median[plain]) / verify:P1} of a VerifyAsync"));
        }

        return 0;
    }

    private const int ClockThreadCpuTime = 3;

    private static double NowNs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTime, out var time) == 0)
        {
            return (time.Seconds * 1e9) + time.Nanoseconds;
        }

        return Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static int Calibrate(Action call)
    {
        call(); // first call: thread-local set-up
        var calls = 0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < Slice)
        {
            call();
            calls++;
        }

        return Math.Max(calls, 1);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
