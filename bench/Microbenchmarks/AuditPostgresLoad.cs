using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Postgres;
using ELicense.Server.Postgres;
using ELicense.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace ELicense.Microbenchmarks;

/// <summary>
/// The audit writer on PostgreSQL: SINKS writers (each with a data source of its own, as replicas in
/// separate processes would have) append to one database for SECONDS, each record awaited by its
/// appender as an audited call awaits it. Prints records/s, commits/s, the mean batch and the mean time
/// of one group commit (lock the head, write blocks and head, durable commit — waiting for the other
/// writers' turns included). Point it at a cluster with fsync on: durability is what it costs.
/// </summary>
internal static class AuditPostgresLoad
{
    public const string Usage = "Usage: audit-postgres CONNECTION_STRING [SINKS (1)] [APPENDERS per sink (256)] [SECONDS (10)]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is < 1 or > 4 || !TryCount(args, 1, 1, out var sinks) || !TryCount(args, 2, 256, out var appenders)
            || !TryCount(args, 3, 10, out var seconds))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(AuditOptions.SubjectKeyBytes));
        using var subjects = new AuditSubjects(Convert.FromBase64String(key));
        var keyed = Enumerable.Range(0, 10_000).Select(i => subjects.License("SYNTH" + i.ToString("D13", CultureInfo.InvariantCulture))).ToArray();
        var sources = Enumerable.Range(0, sinks).Select(_ => PostgresDataSources.Build(args[0])).ToList();
        var timed = sources.Select(source => new TimedSink(new PostgresAuditSink(source, NullLogger.Instance))).ToList();
        var logs = new List<AuditWriter>();
        try
        {
            var options = new AuditOptions { SubjectKey = key, SubjectIndexInterval = TimeSpan.FromMinutes(10) };
            foreach (var sink in timed)
            {
                logs.Add(await AuditWriter.OpenAsync(sink, options, NullLogger.Instance, CancellationToken.None));
            }

            using var stop = new CancellationTokenSource();
            async Task AppendAsync(AuditWriter log, int appender)
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    await log.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, "bench-officer", "bench-device", "GetLicense",
                        keyed[((appender * 7919) + i) % keyed.Length], LookupPurpose.RoadsideCheck, "OK", DataSource.Memory), CancellationToken.None);
                }
            }

            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            await Task.WhenAll(logs.SelectMany(log => Enumerable.Range(0, appenders).Select(a => AppendAsync(log, a))));
            clock.Stop();
            process.Refresh();
            var records = logs.Sum(log => log.RecordsCommitted);
            var commits = logs.Sum(log => log.Commits);
            var appendMs = timed.Sum(sink => sink.Elapsed.TotalMilliseconds) / Math.Max(1, commits);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sinks} sink(s) x {appenders} appenders, {clock.Elapsed.TotalSeconds:F1} s: {records / clock.Elapsed.TotalSeconds:N0} records/s, " +
                $"{commits / clock.Elapsed.TotalSeconds:N0} commits/s (mean batch {(double)records / Math.Max(1, commits):F1}), " +
                $"{appendMs:F2} ms per group commit, {(process.TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, records):F1} µs client CPU per record"));
            return 0;
        }
        finally
        {
            foreach (var log in logs)
            {
                await log.DisposeAsync();
            }

            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    private static bool TryCount(string[] args, int position, int fallback, out int value)
    {
        value = fallback;
        return args.Length <= position || (int.TryParse(args[position], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0);
    }

    /// <summary>The real sink, timing each group commit (AppendAsync) from the writer's side.</summary>
    private sealed class TimedSink(IAuditSink inner) : IAuditSink
    {
        private long _ticks;

        public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public string Location => inner.Location;

        public IAuditSubjectIndex SubjectIndex => inner.SubjectIndex;

        public ValueTask<byte[]?> OpenAsync(byte[]? subjectKeyFingerprint, CancellationToken cancellationToken) =>
            inner.OpenAsync(subjectKeyFingerprint, cancellationToken);

        public async ValueTask AppendAsync(AuditBatch batch, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.AppendAsync(batch, cancellationToken);
            Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(started).Ticks);
        }

        public ValueTask<IAuditTrailView> OpenViewAsync(CancellationToken cancellationToken) => inner.OpenViewAsync(cancellationToken);

        public bool IsStorageError(Exception error) => inner.IsStorageError(error);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
