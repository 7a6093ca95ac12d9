using System.Globalization;
using System.Text;
using System.Text.Json;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>Writes the report files: JSON (the whole report) and CSV (one row per operation and one for all).</summary>
public static class BenchFiles
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    /// <summary>The CSV header.</summary>
    public const string CsvHeader =
        "operation,completed,ok,errors,not_sent,abandoned,error_rate,throughput_rps,p50_ms,p90_ms,p99_ms,p99_9_ms,p99_99_ms,max_ms,mean_ms";

    /// <summary>The report as JSON.</summary>
    public static string ToJson(BenchReport report) => JsonSerializer.Serialize(report, JsonOptions);

    /// <summary>The report as CSV: the header, one row per operation, one for all.</summary>
    public static string ToCsv(BenchReport report)
    {
        var builder = new StringBuilder().Append(CsvHeader).Append('\n');
        foreach (var operation in report.Operations)
        {
            AppendRow(builder, operation.Name, operation.Requests, operation.ErrorRate, operation.Throughput, operation.LatencyMs);
        }

        AppendRow(builder, "all", report.Requests, report.ErrorRate, report.Throughput, report.LatencyMs);
        return builder.ToString();
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>; a failure is a usage error naming the option.</summary>
    public static void Write(string option, string path, string text)
    {
        try
        {
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write {option} file \"{path}\": {ex.Message}", ex);
        }
    }

    private static void AppendRow(StringBuilder builder, string name, ReportCounts counts, double errorRate, double throughput, ReportLatency latency) =>
        builder.Append(CultureInfo.InvariantCulture,
            $"{name},{counts.Completed},{counts.Ok},{counts.Errors},{counts.NotSent},{counts.Abandoned},{errorRate:0.######},{throughput:0.###},")
            .Append(CultureInfo.InvariantCulture,
                $"{latency.P50:0.######},{latency.P90:0.######},{latency.P99:0.######},{latency.P999:0.######},{latency.P9999:0.######},{latency.Max:0.######},{latency.Mean:0.######}\n");
}
