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
}
