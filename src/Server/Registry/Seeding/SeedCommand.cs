using System.Globalization;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using ELicense.Core;

namespace ELicense.Server.Registry.Seeding;

/// <summary>
/// <c>seed --licenses N [--seed S] [--force] [--today yyyy-MM-dd]</c>: fills the server's registry (the
/// SQLite file of <c>Registry:Path</c>, or the PostgreSQL database of <c>Registry:ConnectionString</c>
/// with <c>Registry:Provider=Postgres</c>) with synthetic data. Program.cs runs it instead of the server when the first
/// argument is <c>seed</c>.
/// </summary>
public static partial class SeedCommand
{
    public const string Usage = """
        Usage: seed --licenses N [--seed S] [--force] [--today yyyy-MM-dd]
                    [--Registry:Path=FILE | --Registry:Provider=Postgres --Registry:ConnectionString=CS]

          --licenses N   licences to generate (1 to 100000000); 0.8 vehicles per licence and about
                         1.5 violations per vehicle come with them
          --seed S       generator seed (default 20261125); the same seed and day give the same data
          --force        replace a registry that already holds data
          --today D      the day the data is relative to (default: today in China Standard Time)

        The registry is the server's (Registry:Provider, Registry:ConnectionString, Registry:Path, from
        the command line, the environment or appsettings): a SQLite file by default, or the registry
        schema of a PostgreSQL database (loaded with binary COPY; the schema is created if missing).
        All generated data is synthetic; the registry records it in its meta table (synthetic = 1).
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

    /// <param name="openLoader">
    /// The engine's bulk loader for the configuration and the registry path (<c>Engines/RegistryEngine</c>
    /// chooses it, the same choice as the server's store).
    /// </param>
    public static Task<int> RunAsync(string[] args, IConfiguration configuration, Func<IConfiguration, string, IRegistryBulkLoader> openLoader,
        TextWriter output, CancellationToken ct) =>
        RunAsync(args, configuration, openLoader, output, TimeProvider.System,
            ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, ct);

    internal static async Task<int> RunAsync(string[] args, IConfiguration configuration, Func<IConfiguration, string, IRegistryBulkLoader> openLoader,
        TextWriter output, TimeProvider timeProvider, bool interactive, CancellationToken ct)
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

        var settings = ReadSettings(configuration, parsed);
        if (settings.Problems.Count > 0)
        {
            foreach (var problem in settings.Problems)
            {
                await output.WriteLineAsync(problem);
            }

            return 2;
        }

        var path = settings.Options.Path;
        var today = parsed.Today ?? Dates.ChinaToday(timeProvider.GetUtcNow());
        var options = new SeedOptions(parsed.Licenses, parsed.Seed, parsed.Force, today);
        var loader = openLoader(settings.Configuration, path);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Seeding {options.LicenseCount:N0} synthetic licences (seed {options.Seed}, today {today:yyyy-MM-dd}) into {loader.Target}"));

        var reporter = new SeedProgressWriter(output, interactive);
        try
        {
            var result = await new RegistrySeeder(timeProvider).SeedAsync(loader, options, reporter, ct);
            reporter.Finish();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Seeded {result.Licenses:N0} licences, {result.Vehicles:N0} vehicles, {result.Violations:N0} violations ({result.Rows:N0} rows) in {result.Elapsed.TotalSeconds:F1} s ({result.RowsPerSecond:N0} rows/s); {result.SizeBytes / 1048576.0:F1} MiB on disk."));
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
            await output.WriteLineAsync("Seeding cancelled; the registry is incomplete (seed again with --force).");
            return 130;
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException)
        {
            reporter.Finish();
            // The cause too: Npgsql's "Exception while reading from stream" alone does not say it was a timeout.
            await output.WriteLineAsync($"Seeding failed: {e.Message}{(e.InnerException is { } cause ? $" ({cause.Message})" : "")}");
            return 1;
        }
    }
}
