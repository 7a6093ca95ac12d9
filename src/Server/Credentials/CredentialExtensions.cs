using Microsoft.Extensions.Options;

namespace ELicense.Server.Credentials;

/// <summary>Registers the key ring, the issuer and the verifier.</summary>
public static class CredentialExtensions
{
    public static IServiceCollection AddCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CredentialOptions>()
            .Bind(configuration.GetSection(CredentialOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => KeyRingLoader.Load(
            sp.GetRequiredService<IOptions<CredentialOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyRingLoader))));
        services.AddSingleton<CredentialIssuer>();
        services.AddSingleton<CredentialVerifier>();
        return services;
    }
}
