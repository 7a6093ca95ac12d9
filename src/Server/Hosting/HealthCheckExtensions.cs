using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ELicense.Server.Hosting;

/// <summary>The gRPC health services and the checks behind them.</summary>
public static class HealthCheckExtensions
{
    public static IServiceCollection AddServerHealthChecks(this IServiceCollection services)
    {
        services.AddGrpcHealthChecks(options =>
            {
                // "" is the server as a whole: it serves correctly without Redis, but not without readable
                // registry data, nor while the audit trail cannot commit (every audited call is refused then).
                options.Services.Map("", r => r.Name is "registry" or "audit");
                options.Services.Map("registry", r => r.Name == "registry");
                options.Services.Map("audit", r => r.Name == "audit");
                options.Services.Map("redis", r => r.Name == "redis");
                options.Services.Map("elicense.v1.VerificationService", r => r.Name is "registry" or "audit");
                options.Services.Map("elicense.v1.RegistryService", r => r.Name is "registry" or "audit");
                // Check answers from the last published result: a health probe must not cost a registry query.
                options.UseHealthChecksCache = true;
            })
            .AddCheck<RegistryHealthCheck>("registry")
            .AddCheck<AuditHealthCheck>("audit")
            .AddCheck<RedisHealthCheck>("redis", failureStatus: HealthStatus.Unhealthy);
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            options.Period = TimeSpan.FromSeconds(2);
        });
        return services;
    }
}
