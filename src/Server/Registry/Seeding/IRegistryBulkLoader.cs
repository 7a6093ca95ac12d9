namespace ELicense.Server.Registry.Seeding;

/// <summary>
/// The engine side of the seeder: writes synthetic rows into a new registry as fast as the engine allows.
/// <see cref="RegistrySeeder"/> (engine-neutral) drives it: <see cref="HasDataAsync"/>, then
/// <see cref="CreateAsync"/>, <see cref="WriteBatchAsync"/> per batch, <see cref="CompleteAsync"/>.
/// The SQLite engine implements it with prepared inserts into a file held exclusively
/// (<c>Sqlite/SqliteBulkLoader</c>); a server database would use its bulk path (binary COPY).
/// </summary>
public interface IRegistryBulkLoader : IAsyncDisposable
{
    /// <summary>Where the rows go, for messages (a file path; never a password).</summary>
    string Target { get; }

    /// <summary>True when the target holds licences, vehicles or violations, or anything that is not an empty registry.</summary>
    Task<bool> HasDataAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Replaces whatever the target holds with empty tables (secondary indexes come after the load) and
    /// records that the data is synthetic, with <paramref name="manifest"/>.
    /// </summary>
    Task CreateAsync(SeedManifest manifest, CancellationToken cancellationToken);

    /// <summary>Writes one batch (licences, vehicles, violations) atomically; returns the rows it wrote.</summary>
    Task<SeedCounts> WriteBatchAsync(SeedBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Builds the secondary indexes and statistics, records <paramref name="totals"/> and that the load
    /// completed, and leaves the registry ready to serve. Returns the registry's size in bytes.
    /// </summary>
    Task<long> CompleteAsync(SeedCounts totals, CancellationToken cancellationToken);
}
