using Microsoft.Extensions.DependencyInjection.Extensions;
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
                // Every service counts "draining": a stopping replica is NOT_SERVING under every name.
                options.Services.Map("", r => r.Name is "registry" or "audit" or DrainingHealthCheck.Name);
                options.Services.Map("registry", r => r.Name is "registry" or DrainingHealthCheck.Name);
                options.Services.Map("audit", r => r.Name is "audit" or DrainingHealthCheck.Name);
                options.Services.Map("redis", r => r.Name is "redis" or DrainingHealthCheck.Name);
                options.Services.Map("elicense.v1.VerificationService", r => r.Name is "registry" or "audit" or DrainingHealthCheck.Name);
                options.Services.Map("elicense.v1.RegistryService", r => r.Name is "registry" or "audit" or DrainingHealthCheck.Name);
                // Check answers from the last published result: a health probe must not cost a registry query.
                options.UseHealthChecksCache = true;
                // The drain alone ends a Watch, when its grace is over (DrainingStreamsInterceptor). grpc-dotnet's default
                // ends it at ApplicationStopping with one more NOT_SERVING: under SIGTERM that is the signal itself (t = 0,
                // cutting the Watch a client leaves by), under Host.StopAsync it races the interceptor at the grace's end.
                options.SuppressCompletionOnShutdown = true;
            })
            .AddCheck<RegistryHealthCheck>("registry")
            .AddCheck<AuditHealthCheck>("audit")
            .AddCheck<RedisHealthCheck>("redis", failureStatus: HealthStatus.Unhealthy)
            .AddCheck<DrainingHealthCheck>(DrainingHealthCheck.Name);
        // After the gRPC publisher (AddGrpcHealthChecks registered it), so it runs after it on every publish.
        services.TryAddSingleton<DrainState>();
        services.AddSingleton<DrainingHealthPublisher>();
        services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<DrainingHealthPublisher>());
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            options.Period = TimeSpan.FromSeconds(2);
        });
        return services;
    }
}
