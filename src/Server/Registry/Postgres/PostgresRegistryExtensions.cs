using ELicense.Server.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ELicense.Server.Registry.Postgres;

/// <summary>Registers the PostgreSQL engine behind the registry seam: the store and its error classifier.</summary>
public static class PostgresRegistryExtensions
{
    public static IServiceCollection AddPostgresRegistryEngine(this IServiceCollection services)
    {
        // The process's one data source per connection string, shared with the audit trail's engine.
        services.TryAddSingleton<PostgresDataSources>();
        services.AddSingleton<IRegistryStore, PostgresRegistryStore>();
        services.AddSingleton<IRegistryErrorClassifier>(PostgresRegistryErrorClassifier.Instance);
        return services;
    }
}
