using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Security;

/// <summary>Registers who may call: API keys and client certificates, roles, rate limits.</summary>
public static class SecurityExtensions
{
    public static IServiceCollection AddCallerSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<CallerDirectory>();
        services.AddHostedService<CallerDirectoryStartup>();
        services.AddSingleton<CallerRateLimiter>();
        services.AddSingleton<HealthWatchCounter>();
        services.AddAuthentication(CallerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CallerAuthenticationHandler>(CallerAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            // Anything not marked otherwise needs an authenticated caller: a new endpoint is closed by default.
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        // Refusals of authorisation go to the audit trail (replaces the default handler, which AddAuthorization adds with TryAdd).
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditedAuthorizationResultHandler>();

        // Mutual TLS: on https endpoints ask for a client certificate. The TLS layer accepts any; the
        // authentication handler checks it against the configured client CA and thumbprints, so a bad
        // certificate gets a clear UNAUTHENTICATED instead of a failed handshake.
        if (!string.IsNullOrWhiteSpace(configuration[$"{AuthOptions.SectionName}:{nameof(AuthOptions.ClientCaPath)}"]))
        {
            services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (_, _, _) => true;
            }));
        }

        return services;
    }
}

/// <summary>Builds the caller directory at start, so a bad CA file fails the start, not every call.</summary>
internal sealed class CallerDirectoryStartup(CallerDirectory directory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = directory.All.Count(); // resolving the singleton loaded the configuration and the client CA
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
