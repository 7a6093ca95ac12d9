using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Registry;

/// <summary>
/// Registers the system of record: its options and its schema at start. The engine behind
/// <see cref="IRegistryStore"/> is registered by <c>Engines/RegistryEngine</c>, which chooses it; so is its
/// <see cref="IRegistryChangeSignal"/> when the engine can push changes (the default here never signals).
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
        // One catalogue for the server's writes and reads; the options validator has already read the file once at start.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<RegistryOptions>>().Value.LoadVehicleTypes());

        // Try: an engine that notifies (PostgreSQL) replaces it, in either registration order.
        services.TryAddSingleton<IRegistryChangeSignal, NoRegistryChangeSignal>();
        return services;
    }
}

/// <summary>Creates the schema before the server takes calls.</summary>
internal sealed class RegistryInitializer(IRegistryStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
