using Microsoft.Extensions.Options;

namespace ELicense.Server.Credentials;

/// <summary>Registers the key ring, the issuer and the verifiers (licence credential and inspection mark).</summary>
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
        services.AddSingleton<MarkIssuer>();
        services.AddSingleton<CredentialVerifier>();
        services.AddSingleton<MarkVerifier>();
        services.AddHostedService<KeyRingStartup>();
        return services;
    }
}

/// <summary>Loads the key ring at start, so a missing or wrong key file stops the server before it takes calls.</summary>
internal sealed class KeyRingStartup(KeyRing keyRing) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        keyRing.SigningKey.CanSign ? Task.CompletedTask : throw new InvalidOperationException("The key ring has no signing key.");

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
