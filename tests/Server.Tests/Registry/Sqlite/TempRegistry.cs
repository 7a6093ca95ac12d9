using ELicense.Server.Registry;
using ELicense.Server.Registry.Sqlite;
using ELicense.Server.Tests.Registry.Contract;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Registry.Sqlite;

/// <summary>A registry in its own temporary file, deleted (with its WAL files) on dispose.</summary>
internal sealed class TempRegistry : IDisposable
{
    private readonly List<SqliteRegistryStore> _stores = [];

    public TempRegistry(FakeTimeProvider? time = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "elicense-tests", Guid.NewGuid().ToString("N"), "registry.db");
        Time = time ?? new FakeTimeProvider(Start);
    }

    public static DateTimeOffset Start => RegistrySamples.Start;

    public string Path { get; }

    public FakeTimeProvider Time { get; }

    public static async Task<(TempRegistry Registry, SqliteRegistryStore Store)> CreateAsync()
    {
        var registry = new TempRegistry();
        var store = registry.OpenStore();
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return (registry, store);
    }

    /// <summary>Another store on the same file, as a second server process would open it.</summary>
    public SqliteRegistryStore OpenStore(int busyTimeoutMs = 5000)
    {
        var store = new SqliteRegistryStore(Options.Create(new RegistryOptions { Path = Path, BusyTimeoutMs = busyTimeoutMs }), Time);
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
