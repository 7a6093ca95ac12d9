using ELicense.Server.Registry;
using ELicense.Server.Registry.Sqlite;
using ELicense.Server.Tests.Registry.Contract;
using Microsoft.Extensions.Time.Testing;

namespace ELicense.Server.Tests.Registry.Sqlite;

/// <summary>The store contract run against the embedded SQLite engine (a temporary file per test).</summary>
public sealed class SqliteRegistryStoreContractTests : RegistryStoreContract
{
    protected override IRegistryStoreEngine CreateEngine(FakeTimeProvider time) => new SqliteEngine(new TempRegistry(time));

    private sealed class SqliteEngine(TempRegistry registry) : IRegistryStoreEngine
    {
        public FakeTimeProvider Time => registry.Time;

        public IRegistryErrorClassifier Classifier => SqliteErrorClassifier.Instance;

        public bool SingleWriter => true;

        public async Task<IRegistryStore> OpenStoreAsync()
        {
            var store = registry.OpenStore();
            await store.InitializeAsync(CancellationToken.None);
            return store;
        }

        public async Task<IRegistryStore> OpenStoreAsync(Func<CancellationToken, Task> insideWrite)
        {
            var store = registry.OpenStore();
            await store.InitializeAsync(CancellationToken.None);
            store.BeforeCommit = insideWrite;
            return store;
        }

        public Task<bool> WaitForLockWaitAsync(TimeSpan bound) => Task.FromResult(false);

        public ValueTask DisposeAsync()
        {
            registry.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
