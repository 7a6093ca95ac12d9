using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Hosting;

/// <summary>Leaving gracefully: NOT_SERVING, a grace, a bounded drain of calls in flight (see <see cref="DrainOnStop"/>).</summary>
public static class DrainExtensions
{
    /// <summary>Call last among the hosted services: the host stops them in reverse order, and the drain must come first.</summary>
    public static IServiceCollection AddDrainOnStop(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DrainOptions>()
            .Bind(configuration.GetSection(DrainOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The host's budget covers all of it (past it the host gives up on the remaining services): set to the drain's
        // need unless the operator set one, and refused at start if the operator's is shorter.
        DrainShutdownBudget.Register(services, configuration);
        // DrainState and DrainingHealthPublisher come with AddServerHealthChecks, beside the publisher they follow.
        services.TryAddSingleton<DrainState>();
        // The drain's timers run on the wall clock, not the application's TimeProvider: that is the domain clock,
        // which tests freeze, and a frozen grace would hold every stop for the whole shutdown budget (as AuditWriter's batch clock).
        services.AddSingleton(sp => new DrainOnStop(sp.GetRequiredService<DrainState>(), sp.GetRequiredService<DrainingHealthPublisher>(),
            sp.GetRequiredService<IOptions<DrainOptions>>(), TimeProvider.System, sp.GetRequiredService<ILogger<DrainOnStop>>()));
        services.AddHostedService(sp => sp.GetRequiredService<DrainOnStop>());
        DecorateServer(services);
        return services;
    }

    /// <summary>Wraps the registered IServer (Kestrel, put there by the web host defaults) in a <see cref="DrainingServer"/>.</summary>
    private static void DecorateServer(IServiceCollection services)
    {
        var kestrel = services.LastOrDefault(d => d.ServiceType == typeof(IServer))
            ?? throw new InvalidOperationException("No IServer is registered: AddDrainOnStop must follow the web host defaults (WebApplication.CreateBuilder).");
        services.Remove(kestrel);
        services.AddSingleton<IServer>(sp => new DrainingServer(Create(sp, kestrel), sp.GetRequiredService<IOptions<DrainOptions>>(),
            sp.GetRequiredService<DrainState>(), sp.GetRequiredService<Internal.StartupFailures>(), TimeProvider.System));
    }

    private static IServer Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IServer)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType
                ?? throw new InvalidOperationException("The registered IServer has no implementation.")));
}
