using ELicense.Server.Registry;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>Which change signal the registry gets: none for SQLite, the one PostgreSQL listener when asked, in any order.</summary>
public sealed class PostgresChangeSignalExtensionsTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:Provider"] = "Postgres",
            ["Registry:ConnectionString"] = "Host=127.0.0.1;Database=registry;Username=app",
        })
        .Build();

    [Fact]
    public void AddRegistry_Alone_NeverSignals()
    {
        using var services = new ServiceCollection().AddLogging().AddRegistry(Configuration).BuildServiceProvider();

        Assert.IsType<NoRegistryChangeSignal>(services.GetRequiredService<IRegistryChangeSignal>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddPostgresChangeSignal_EitherOrderOrTwice_OneListenerIsTheSignalAndAHostedService(bool registryFirst)
    {
        var collection = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSingleton(Configuration)
            .AddSingleton<IRegistryStore>(new FeedOnlyStore()); // the registry's initializer is a hosted service too
        if (registryFirst)
        {
            collection.AddRegistry(Configuration).AddPostgresChangeSignal().AddPostgresChangeSignal();
        }
        else
        {
            collection.AddPostgresChangeSignal().AddRegistry(Configuration).AddPostgresChangeSignal();
        }

        using var services = collection.BuildServiceProvider();

        var listener = Assert.IsType<PostgresChangeListener>(services.GetRequiredService<IRegistryChangeSignal>());
        Assert.Single(services.GetServices<IRegistryChangeSignal>());
        Assert.Same(listener, Assert.Single(services.GetServices<IHostedService>().OfType<PostgresChangeListener>()));
    }
}
