using Microsoft.Extensions.Options;

namespace ELicense.Server.Registry;

/// <summary>
/// Registers the system of record: its options and its schema at start. The engine behind
/// <see cref="IRegistryStore"/> is registered by <c>Engines/RegistryEngine</c>, which chooses it.
/// </summary>
public static class RegistryExtensions
{
    public static IServiceCollection AddRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegistryOptions>()
            .Bind(configuration.GetSection(RegistryOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
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
