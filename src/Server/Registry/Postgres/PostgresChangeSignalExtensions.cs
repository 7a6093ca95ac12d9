using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Registry.Postgres;

/// <summary>Registers PostgreSQL's change listener as the registry's <see cref="IRegistryChangeSignal"/>.</summary>
public static class PostgresChangeSignalExtensions
{
    /// <summary>
    /// For <c>Registry:Provider=Postgres</c>: one listener per process, started with the host, replacing
    /// the never-signalling default whichever of this and <c>AddRegistry</c> runs first.
    /// </summary>
    public static IServiceCollection AddPostgresChangeSignal(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PostgresChangeListener)))
        {
            return services; // once: a second hosted registration would start the same listener twice
        }

        services.AddOptions<PostgresChangeListenerOptions>()
            .BindConfiguration(PostgresChangeListenerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PostgresChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeListener>());
        services.Replace(ServiceDescriptor.Singleton<IRegistryChangeSignal>(sp => sp.GetRequiredService<PostgresChangeListener>()));
        return services;
    }
}
