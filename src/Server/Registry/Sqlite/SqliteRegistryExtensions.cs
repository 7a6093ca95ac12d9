namespace ELicense.Server.Registry.Sqlite;

/// <summary>Registers the SQLite engine behind the registry seam: the store and its error classifier.</summary>
public static class SqliteRegistryExtensions
{
    public static IServiceCollection AddSqliteRegistryEngine(this IServiceCollection services)
    {
        services.AddSingleton<IRegistryStore, SqliteRegistryStore>();
        services.AddSingleton<IRegistryErrorClassifier>(SqliteErrorClassifier.Instance);
        return services;
    }
}
