using ELicense.Server.Registry;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>
/// One fresh, empty database of an engine under the store contract (a temporary SQLite file; for a
/// server database, a throwaway database in a test cluster), dropped on dispose.
/// </summary>
public interface IRegistryStoreEngine : IAsyncDisposable
{
    /// <summary>The clock every store of this database reads.</summary>
    FakeTimeProvider Time { get; }

    /// <summary>The engine's error classifier (what its registry pipeline retries).</summary>
    IRegistryErrorClassifier Classifier { get; }

    /// <summary>
    /// A new store on this database, initialized. Each call opens another one, as another server process
    /// would: stores of one engine share the data and are the contract's concurrent writers.
    /// </summary>
    Task<IRegistryStore> OpenStoreAsync();

    /// <summary>
    /// A new store as above whose every write calls <paramref name="insideWrite"/> inside its write
    /// transaction, after its rows are written and before its change sequences are taken (where the engine
    /// takes them at the end; SQLite: before the commit), so a test can hold a write open.
    /// </summary>
    Task<IRegistryStore> OpenStoreAsync(Func<CancellationToken, Task> insideWrite);

    /// <summary>True when the engine runs one write at a time: a write held open blocks every other writer.</summary>
    bool SingleWriter { get; }

    /// <summary>
    /// Waits (bounded) until some write on this database waits for another's lock; false at once when the
    /// engine cannot tell (SQLite's writers wait inside the library, invisibly).
    /// </summary>
    Task<bool> WaitForLockWaitAsync(TimeSpan bound);

    /// <summary>
    /// Builds this (still empty) database as the engine's first schema version left it, before
    /// <c>vehicles.vehicle_type</c>, holding <paramref name="vehicle"/> as a row of that version (its
    /// vehicle type, which that version had no column for, is dropped). The next store opened must upgrade it.
    /// </summary>
    Task WriteVersion1VehicleAsync(ELicense.V1.Vehicle vehicle);
}
