using ELicense.Server.RegistryApi;
using ELicense.Server.Validation;
using ELicense.Server.Verification.Replay;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ELicense.Server.Verification;

/// <summary>Registers the verify path and the gRPC surface: services, errors, reflection, health.</summary>
public static class VerificationExtensions
{
    /// <summary>Largest request accepted: a QR payload is at most a few kilobytes, a write a few hundred bytes.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    public static IServiceCollection AddVerification(this IServiceCollection services, IConfiguration configuration)
    {
        // The replay guard and its parts: Redis claims, local memory, loss detection, write-back.
        services.AddOptions<ReplayOptions>().Bind(configuration.GetSection(ReplayOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RedisClaimStore>();
        services.AddSingleton<LocalClaims>();
        services.AddSingleton<ClaimLossDetector>();
        services.AddSingleton<ClaimWriteBackQueue>();
        services.AddSingleton<ClaimWriteBack>();
        services.AddHostedService(sp => sp.GetRequiredService<ClaimWriteBack>());
        services.AddSingleton<ReplayGuard>();
        services.AddSingleton<CredentialVerification>();
        return services;
    }

    public static IServiceCollection AddGrpcApi(this IServiceCollection services)
    {
        services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorInterceptor>();     // outermost: turns exceptions into statuses
            options.Interceptors.Add<Security.LimitsInterceptor>(); // per-caller rate limits, stream length
            options.Interceptors.Add<MalformedRequestInterceptor>(); // bytes that are no request: INVALID_ARGUMENT, after the rate limit
            options.Interceptors.Add<Hosting.AuditInterceptor>();  // a durable record before each answer
            options.MaxReceiveMessageSize = MaxRequestBytes;
            options.EnableDetailedErrors = false;
        });
        GuardedServiceMethodProvider<object>.Install(services); // request marshallers that mark bad bytes instead of throwing
        services.AddSingleton<MalformedRequestInterceptor>();    // stateless: one instance, not one per call
        services.AddGrpcReflection();
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

    public static WebApplication MapGrpcApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<VerificationApi>();
        app.MapGrpcService<RegistryApi.RegistryApi>();
        app.MapGrpcService<Holder.HolderApi>();
        app.MapGrpcHealthChecksService().AllowAnonymous(); // load balancers and probes carry no credentials
        app.MapGrpcReflectionService();                   // authenticated callers only (fallback policy)
        return app;
    }
}
