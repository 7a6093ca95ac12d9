using System.Globalization;
using ELicense.Server.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using ELicense.Core;

namespace ELicense.Server.Registry;

/// <summary>
/// <c>seed --licenses N [--seed S] [--force] [--today yyyy-MM-dd]</c>: fills the registry file
/// (<c>Registry:Path</c>) with synthetic data. Program.cs runs it instead of the server when the first
/// argument is <c>seed</c>.
/// </summary>
public static class SeedCommand
{
    public const string Usage = """
        Usage: seed --licenses N [--seed S] [--force] [--today yyyy-MM-dd] [--Registry:Path=FILE]

          --licenses N   licences to generate (1 to 100000000); 0.8 vehicles per licence and about
                         1.5 violations per vehicle come with them
          --seed S       generator seed (default 20261125); the same seed and day give the same data
          --force        replace a registry that already holds data
          --today D      the day the data is relative to (default: today in China Standard Time)

        All generated data is synthetic; the file records it in its meta table (synthetic = 1).
        """;

    /// <summary>A few keys of the data just seeded, so that a newcomer has something to look up.</summary>
    private static async Task WriteSamplesAsync(TextWriter output, SeedOptions options)
    {
        var licences = new List<string>();
        for (long i = 0; i < options.LicenseCount && licences.Count < 3; i++)
        {
            if (SyntheticRegistry.License(options.Seed, i, options.Today).Status == V1.LicenseStatus.Normal)
            {
                licences.Add(SyntheticRegistry.LicenseNumber(options.Seed, i));
            }
        }

        var plates = Enumerable.Range(0, (int)Math.Min(3, SyntheticRegistry.VehicleCount(options.LicenseCount)))
            .Select(i => SyntheticRegistry.Plate(options.Seed, i))
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Number} (type {(int)p.Type:D2})"));
        await output.WriteLineAsync("Sample synthetic licence numbers (status normal): " + string.Join(", ", licences));
        await output.WriteLineAsync("Sample synthetic plates: " + string.Join(", ", plates));
    }

    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, CancellationToken ct) =>
        RunAsync(args, configuration, output, TimeProvider.System,
            ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, ct);

    internal static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output,
        TimeProvider timeProvider, bool interactive, CancellationToken ct)
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

        // A "--Registry:Path" among the seed arguments wins: the host's command-line configuration can
        // lose it (its "--force" switch takes the next argument as its value).
        var path = parsed.RegistryPath ?? configuration[$"{RegistryOptions.SectionName}:{nameof(RegistryOptions.Path)}"];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = RegistryOptions.DefaultPath;
        }

        var today = parsed.Today ?? Dates.ChinaToday(timeProvider.GetUtcNow());
        var options = new SeedOptions(path, parsed.Licenses, parsed.Seed, parsed.Force, today);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Seeding {options.LicenseCount:N0} synthetic licences (seed {options.Seed}, today {today:yyyy-MM-dd}) into {Path.GetFullPath(path)}"));

        var reporter = new ProgressWriter(output, interactive);
        try
        {
            var result = await new RegistrySeeder(timeProvider).SeedAsync(options, reporter, ct);
            reporter.Finish();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Seeded {result.Licenses:N0} licences, {result.Vehicles:N0} vehicles, {result.Violations:N0} violations ({result.Rows:N0} rows) in {result.Elapsed.TotalSeconds:F1} s ({result.RowsPerSecond:N0} rows/s); file {result.FileBytes / 1048576.0:F1} MiB."));
            await WriteSamplesAsync(output, options);
            return 0;
        }
        catch (RegistrySeedException e)
        {
            reporter.Finish();
            await output.WriteLineAsync(e.Message);
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reporter.Finish();
            await output.WriteLineAsync("Seeding cancelled; the registry file is incomplete (seed again with --force).");
            return 130;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            reporter.Finish();
            await output.WriteLineAsync($"Seeding failed: {e.Message}");
            return 1;
        }
    }

    internal sealed record Arguments(long Licenses, int Seed, bool Force, DateOnly? Today, bool Help, string? RegistryPath = null);

    /// <summary>
    /// Parses the seed options. Configuration switches (<c>--Section:Key=value</c> or
    /// <c>--Section:Key value</c>) are skipped: the host's configuration already read them.
    /// </summary>
    internal static bool TryParse(IReadOnlyList<string> args, out Arguments parsed, out string error)
    {
        long? licenses = null;
        var seed = SyntheticRegistry.DefaultSeed;
        var force = false;
        DateOnly? today = null;
        string? registryPath = null;
        parsed = new Arguments(0, seed, false, null, false);
        error = string.Empty;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            else
            {
                name = arg;
            }

            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
            {
                var configValue = inline ?? (i + 1 < args.Count ? args[++i] : null); // "--Registry:Path FILE"
                if (string.Equals(name, "--Registry:Path", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(configValue))
                {
                    registryPath = configValue;
                }

                continue;
            }

            switch (name)
            {
                case "-h" or "--help" or "-?":
                    parsed = parsed with { Help = true };
                    return true;
                case "--force":
                    if (inline is not null)
                    {
                        error = "--force takes no value.";
                        return false;
                    }

                    force = true;
                    break;
                case "--licenses" or "--seed" or "--today":
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                    if (value is null)
                    {
                        error = $"{name} needs a value.";
                        return false;
                    }

                    if (name == "--licenses")
                    {
                        if (!long.TryParse(value.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal),
                                NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 100_000_000)
                        {
                            error = $"--licenses must be a whole number from 1 to 100000000, not '{value}'.";
                            return false;
                        }

                        licenses = n;
                    }
                    else if (name == "--seed")
                    {
                        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
                        {
                            error = $"--seed must be a 32-bit integer, not '{value}'.";
                            return false;
                        }
                    }
                    else
                    {
                        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                            || day.Year is < 2000 or > 2100)
                        {
                            error = $"--today must be a date yyyy-MM-dd between 2000 and 2100, not '{value}'.";
                            return false;
                        }

                        today = day;
                    }

                    break;
                default:
                    error = $"Unknown argument '{arg}'.";
                    return false;
            }
        }

        if (licenses is null)
        {
            error = "--licenses is required.";
            return false;
        }

        parsed = new Arguments(licenses.Value, seed, force, today, false, registryPath);
        return true;
    }

    /// <summary>Writes progress synchronously: one overwritten line on a terminal, a line per 10 % otherwise.</summary>
    private sealed class ProgressWriter(TextWriter output, bool interactive) : IProgress<SeedProgress>
    {
        private int _lastDecile = -1;
        private bool _lineOpen;

        public void Report(SeedProgress value)
        {
            var percent = value.LicensesTotal == 0 ? 100 : (int)(value.LicensesDone * 100 / value.LicensesTotal);
            var text = value.Phase switch
            {
                "index" => string.Create(CultureInfo.InvariantCulture,
                    $"Building indexes ({value.RowsWritten:N0} rows loaded in {value.Elapsed.TotalSeconds:F1} s)"),
                "done" => null,
                _ => string.Create(CultureInfo.InvariantCulture,
                    $"{percent,3}%  {value.LicensesDone:N0}/{value.LicensesTotal:N0} licences, {value.RowsWritten:N0} rows, {value.RowsPerSecond:N0} rows/s"),
            };
            if (text is null)
            {
                return;
            }

            if (interactive)
            {
                output.Write("\r" + text.PadRight(78));
                output.Flush();
                _lineOpen = true;
                return;
            }

            var decile = percent / 10;
            if (value.Phase != "load" || decile != _lastDecile)
            {
                _lastDecile = decile;
                output.WriteLine(text);
            }
        }

        public void Finish()
        {
            if (_lineOpen)
            {
                output.WriteLine();
                _lineOpen = false;
            }
        }
    }
}
