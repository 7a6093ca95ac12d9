using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace ELicense.Server.Auditing;

/// <summary>
/// <c>audit verify [--Audit:Path=FILE]</c>: checks the audit trail's hash chain offline. Program.cs runs it
/// instead of the server when the first argument is <c>audit</c>. Exit codes: 0 intact, 1 tampered or
/// unreadable, 2 usage error, 130 cancelled.
/// </summary>
public static class AuditCommand
{
    public const string Usage = """
        Usage: audit verify [--Audit:Path=FILE]

          verify   checks every record's hash, the sequence, the chain links and the committed head;
                   prints "OK: N records, chain intact, head <hex>" (exit 0) or "TAMPERED: ..." (exit 1)

        The head hash proves nothing about a file rewritten as a whole: keep the printed head somewhere
        the audit host cannot write, and compare later runs against it.
        """;

    /// <summary>Above this many records, a progress line is printed every 10 %.</summary>
    internal const long ProgressThreshold = 1_000_000;

    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, CancellationToken ct) =>
        RunAsync(args, configuration, output, ProgressThreshold, ct);

    internal static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, long progressThreshold,
        CancellationToken ct)
    {
        if (!TryParse(args, out var parsed, out var error))
        {
            await output.WriteLineAsync(error);
            await output.WriteLineAsync(Usage);
            return 2;
        }

        if (parsed.Help)
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        // A "--Audit:Path" among the command's arguments wins over the host's configuration.
        var path = parsed.AuditPath ?? configuration[$"{AuditOptions.SectionName}:{nameof(AuditOptions.Path)}"];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = AuditOptions.DefaultPath;
        }

        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            await output.WriteLineAsync($"No audit file at {fullPath} (set --Audit:Path=FILE).");
            return 1;
        }

        try
        {
            var progress = new ProgressWriter(output, progressThreshold);
            var result = await AuditChainVerifier.VerifyAsync(fullPath, progress, ct);
            if (result.Problem is { } problem)
            {
                await output.WriteLineAsync($"TAMPERED: {problem.Description}");
                return 1;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"OK: {result.RecordsChecked} records, chain intact, head {result.HeadHashHex}"));
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await output.WriteLineAsync("Verification cancelled.");
            return 130;
        }
        catch (SqliteException e)
        {
            await output.WriteLineAsync($"Cannot read {fullPath} as an audit file: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await output.WriteLineAsync($"Cannot read {fullPath}: {e.Message}");
            return 1;
        }
    }

    internal sealed record Arguments(bool Help, string? AuditPath);

    /// <summary>
    /// Parses <c>verify</c> and configuration switches (<c>--Section:Key=value</c> or
    /// <c>--Section:Key value</c>) in any order; only <c>--Audit:Path</c> is used, the others belong to the host.
    /// </summary>
    internal static bool TryParse(IReadOnlyList<string> args, out Arguments parsed, out string error)
    {
        string? auditPath = null;
        string? verb = null;
        parsed = new Arguments(false, null);
        error = string.Empty;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? arg[..eq] : arg;
            var inline = name.Length < arg.Length ? arg[(eq + 1)..] : null;

            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : null); // "--Audit:Path FILE"
                if (string.Equals(name, "--Audit:Path", StringComparison.OrdinalIgnoreCase))
                {
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        error = "--Audit:Path needs a file.";
                        return false;
                    }

                    auditPath = value;
                }

                continue;
            }

            switch (name)
            {
                case "-h" or "--help" or "-?":
                    parsed = new Arguments(true, null);
                    return true;
                case "verify" when verb is null:
                    verb = name;
                    break;
                default:
                    error = $"Unknown argument '{arg}'.";
                    return false;
            }
        }

        if (verb is null)
        {
            error = "Missing sub-command: audit verify.";
            return false;
        }

        parsed = new Arguments(false, auditPath);
        return true;
    }

    /// <summary>Writes a line every 10 % for files above the threshold; synchronous, so lines stay in order.</summary>
    private sealed class ProgressWriter(TextWriter output, long threshold) : IProgress<AuditVerifyProgress>
    {
        private int _lastDecile;

        public void Report(AuditVerifyProgress value)
        {
            if (value.Total <= threshold || value.Total == 0)
            {
                return;
            }

            var decile = (int)(value.Checked * 10 / value.Total);
            if (decile > _lastDecile && decile < 10)
            {
                _lastDecile = decile;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{decile * 10,3}%  {value.Checked:N0}/{value.Total:N0} records checked"));
            }
        }
    }
}
