namespace ELicense.Server.Registry.Seeding;

/// <summary>What to seed (where to is the loader's: <see cref="IRegistryBulkLoader.Target"/>).</summary>
/// <param name="LicenseCount">Licences to generate; vehicles (0.8 each) and violations (~1.5 per vehicle) follow.</param>
/// <param name="Seed">The generator seed: the same seed and today give the same data.</param>
/// <param name="Force">Replace a registry that already holds data.</param>
/// <param name="Today">The day the data is relative to (validity, inspection, violation dates).</param>
/// <param name="BatchSize">Licences per batch (one transaction each).</param>
public sealed record SeedOptions(long LicenseCount, int Seed, bool Force, DateOnly Today, int BatchSize = 50_000);

/// <summary>Where a seed run is: the phase ("load", "index", "done"), licences done, rows written.</summary>
public readonly record struct SeedProgress(string Phase, long LicensesDone, long LicensesTotal, long RowsWritten, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? RowsWritten / Elapsed.TotalSeconds : 0;
}

/// <summary>What a seed run wrote, and where.</summary>
/// <param name="Target">The loader's target (a file path for SQLite).</param>
/// <param name="SizeBytes">The size of the loaded registry as its engine measures it (the file, for SQLite).</param>
public sealed record SeedResult(string Target, long Licenses, long Vehicles, long Violations, TimeSpan Elapsed, long SizeBytes)
{
    public long Rows => Licenses + Vehicles + Violations;

    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Rows / Elapsed.TotalSeconds : 0;
}

/// <summary>Rows written, by table.</summary>
public readonly record struct SeedCounts(long Licenses, long Vehicles, long Violations)
{
    public long Rows => Licenses + Vehicles + Violations;

    public static SeedCounts operator +(SeedCounts a, SeedCounts b) =>
        new(a.Licenses + b.Licenses, a.Vehicles + b.Vehicles, a.Violations + b.Violations);
}

/// <summary>What a seeded registry records about itself (the SQLite engine keeps it in its <c>meta</c> table).</summary>
public sealed record SeedManifest(int Seed, DateOnly Today, long LicenseCount, long StartedUnixMs);

/// <summary>A seed run refused to start (e.g. the registry already holds data and no --force was given).</summary>
public sealed class RegistrySeedException(string message) : Exception(message);
