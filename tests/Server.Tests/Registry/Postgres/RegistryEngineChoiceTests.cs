using ELicense.Server.Postgres;
using ELicense.Server.Registry;
using ELicense.Server.Registry.Engines;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Registry.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>Registry:Provider chooses the engine behind the seam; SQLite stays the default.</summary>
public sealed class RegistryEngineChoiceTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddRegistry(configuration)
            .AddRegistryEngine(configuration)
            .BuildServiceProvider();
    }

    [Fact]
    public async Task AddRegistryEngine_ProviderPostgres_RegistersThePostgresStoreClassifierAndDataSources()
    {
        // Resolving builds the data source, which connects only when first used: no server is needed here.
        await using var services = Services(new()
        {
            ["Registry:Provider"] = "Postgres",
            ["Registry:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=elicense;Username=elicense",
        });

        Assert.IsType<PostgresRegistryStore>(services.GetRequiredService<IRegistryStore>());
        Assert.IsType<PostgresRegistryErrorClassifier>(services.GetRequiredService<IRegistryErrorClassifier>());
        Assert.NotNull(services.GetRequiredService<PostgresDataSources>());
    }

    [Fact]
    public async Task AddRegistryEngine_NoProvider_KeepsSqlite()
    {
        await using var services = Services(new() { ["Registry:Path"] = Path.Combine(Path.GetTempPath(), "elicense-tests", "unused.db") });

        Assert.IsType<SqliteErrorClassifier>(services.GetRequiredService<IRegistryErrorClassifier>());
        Assert.Null(services.GetService<PostgresDataSources>());
    }
}
