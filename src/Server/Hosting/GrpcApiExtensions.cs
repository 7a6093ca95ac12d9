using ELicense.Server.Auditing;
using ELicense.Server.Holder;
using ELicense.Server.Security;
using ELicense.Server.Verification;

namespace ELicense.Server.Hosting;

/// <summary>
/// The gRPC surface: the interceptors that translate and observe every call, the guarded request
/// marshallers, reflection, and the three services. Wiring lives here, above the features, so no
/// feature has to know the others exist.
/// </summary>
public static class GrpcApiExtensions
{
    /// <summary>Largest request accepted: a QR payload is at most a few kilobytes, a write a few hundred bytes.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    public static IServiceCollection AddGrpcApi(this IServiceCollection services)
    {
        services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorInterceptor>();            // outermost: turns exceptions into statuses
            options.Interceptors.Add<LimitsInterceptor>();           // per-caller rate limits, stream length
            options.Interceptors.Add<MalformedRequestInterceptor>(); // bytes that are no request: INVALID_ARGUMENT, after the rate limit
            options.Interceptors.Add<AuditInterceptor>();            // a durable record before each answer
            options.Interceptors.Add<DrainingStreamsInterceptor>();  // innermost: long-lived streams end when the drain's grace does
            options.MaxReceiveMessageSize = MaxRequestBytes;
            options.EnableDetailedErrors = false;
        });
        GuardedServiceMethodProvider<object>.Install(services); // request marshallers that mark bad bytes instead of throwing
        services.AddSingleton<MalformedRequestInterceptor>();    // stateless: one instance, not one per call
        services.AddSingleton<DrainingStreamsInterceptor>();     // the same for every call: one instance
        services.AddGrpcReflection();
        return services;
    }

    public static WebApplication MapGrpcApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<VerificationApi>();
        app.MapGrpcService<RegistryApi.RegistryApi>();
        app.MapGrpcService<HolderApi>();
        app.MapGrpcHealthChecksService().AllowAnonymous(); // load balancers and probes carry no credentials
        app.MapGrpcReflectionService();                   // authenticated callers only (fallback policy)
        return app;
    }
}
