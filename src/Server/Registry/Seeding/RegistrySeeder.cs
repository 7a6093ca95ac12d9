namespace ELicense.Server.Registry.Seeding;

/// <summary>
/// Bulk-loads synthetic data (<see cref="SyntheticRegistry"/>) into a new registry through an engine's
/// <see cref="IRegistryBulkLoader"/>: refuses a registry that holds data unless forced, loads batch by
/// batch with progress, then lets the engine build its indexes. The data and the steps are
/// engine-neutral; how rows reach the disk is the loader's.
/// </summary>
public sealed class RegistrySeeder(TimeProvider timeProvider)
{
    /// <summary>Seeds through <paramref name="loader"/>, which this call owns and disposes.</summary>
    public async Task<SeedResult> SeedAsync(IRegistryBulkLoader loader, SeedOptions options, IProgress<SeedProgress>? progress,
        CancellationToken cancellationToken)
    {
        await using var _ = loader;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LicenseCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LicenseCount, 100_000_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        var started = timeProvider.GetTimestamp();

        if (await loader.HasDataAsync(cancellationToken) && !options.Force)
        {
            throw new RegistrySeedException(
                $"The registry {loader.Target} already holds data; refusing to seed into it. Pass --force to replace it.");
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var total = options.LicenseCount;
        await loader.CreateAsync(new SeedManifest(options.Seed, options.Today, total, now), cancellationToken);

        var written = default(SeedCounts);
        for (long first = 0; first < total; first += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = SeedBatch.For(options, first, now);
            written += await loader.WriteBatchAsync(batch, cancellationToken);
            progress?.Report(new SeedProgress("load", batch.EndLicense, total, written.Rows, timeProvider.GetElapsedTime(started)));
        }

        progress?.Report(new SeedProgress("index", total, total, written.Rows, timeProvider.GetElapsedTime(started)));
        var size = await loader.CompleteAsync(written, cancellationToken);

        var elapsed = timeProvider.GetElapsedTime(started);
        progress?.Report(new SeedProgress("done", total, total, written.Rows, elapsed));
        return new SeedResult(loader.Target, written.Licenses, written.Vehicles, written.Violations, elapsed, size);
    }
}
