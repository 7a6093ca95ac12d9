using ELicense.Server.Registry.Sqlite;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Registry;

/// <summary>Registers the system of record: its engine (the embedded SQLite store), its schema at start.</summary>
public static class RegistryExtensions
{
    public static IServiceCollection AddRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegistryOptions>()
            .Bind(configuration.GetSection(RegistryOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        // The one engine today; a second one registers its store and error classifier the same way.
        services.AddSqliteRegistryEngine();
        services.AddHostedService<RegistryInitializer>();
        return services;
    }
}

/// <summary>Creates the schema before the server takes calls.</summary>
internal sealed class RegistryInitializer(IRegistryStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
