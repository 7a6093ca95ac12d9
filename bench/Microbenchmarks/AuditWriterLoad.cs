using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ELicense.Server.Auditing;
using ELicense.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace ELicense.Microbenchmarks;

/// <summary>
/// The audit writer on its own, on a real file in a temporary folder (unlike the BenchmarkDotNet
/// classes, disk and fsync included): records appended by concurrent tasks, each awaiting its commit as
/// an audited call does; prints the process's CPU per record, the commits and mean batch, then one pass
/// of the subject index. Run it alternately against another build to compare (the host is noisy).
/// </summary>
internal static class AuditWriterLoad
{
    public const string Usage = "Usage: audit-writer [RECORDS (default 200000)] [APPENDERS (default 512)]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 2 || !TryCount(args, 0, 200_000, out var total) || !TryCount(args, 1, 512, out var appenders) || appenders > total)
        {
            Console.Error.WriteLine(Usage);
            Console.Error.WriteLine("RECORDS and APPENDERS are positive whole numbers, APPENDERS at most RECORDS.");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("elicense-audit-writer-").FullName;
        try
        {
            var options = new AuditOptions
            {
                Path = Path.Combine(directory, "audit.db"),
                SubjectKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(AuditOptions.SubjectKeyBytes)),
                SubjectIndexInterval = TimeSpan.FromMinutes(10), // one pass, run below on its own
            };
            var subjects = new AuditSubjects(RandomNumberGenerator.GetBytes(AuditOptions.SubjectKeyBytes));
            // Synthetic licence numbers (not valid identities): only their keyed hashes are written.
            var keyed = Enumerable.Range(0, 10_000).Select(i => subjects.License("SYNTH" + i.ToString("D13", CultureInfo.InvariantCulture))).ToArray();
            await using var log = await ELicense.Server.Auditing.Sqlite.SqliteAuditSink.OpenWriterAsync(options, NullLogger.Instance, CancellationToken.None);

            async Task AppendAsync(int appender, int count)
            {
                for (var i = 0; i < count; i++)
                {
                    await log.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, "bench-officer", "bench-device", "GetLicense",
                        keyed[((appender * 7919) + i) % keyed.Length], LookupPurpose.RoadsideCheck, "OK", DataSource.Memory), CancellationToken.None);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => AppendAsync(a, 4)));  // warm-up
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var (commitsBefore, recordsBefore) = (log.Commits, log.RecordsCommitted);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => AppendAsync(a, (total / appenders) + (a < total % appenders ? 1 : 0))));
            clock.Stop();
            process.Refresh();
            var records = log.RecordsCommitted - recordsBefore;
            var commits = log.Commits - commitsBefore;
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds;
            var index = Stopwatch.StartNew();
            var indexed = await log.IndexSubjectsAsync();
            index.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{records:N0} records by {appenders} appenders: {records / clock.Elapsed.TotalSeconds:N0} records/s, " +
                $"{cpu / records:F2} µs CPU per record, {commits:N0} commits (mean batch {(double)records / Math.Max(1, commits):F0}); " +
                $"subject index pass: {indexed:N0} records, {index.Elapsed.TotalMicroseconds / Math.Max(1, indexed):F2} µs per record"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool TryCount(string[] args, int position, int fallback, out int value)
    {
        value = fallback;
        return args.Length <= position || (int.TryParse(args[position], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0);
    }
}
