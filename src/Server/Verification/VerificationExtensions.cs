using ELicense.Core.Rules;
using ELicense.Server.Verification.Replay;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ELicense.Server.Verification;

/// <summary>Registers the verify path: the replay guard and its parts, and the read side's jobs.</summary>
public static class VerificationExtensions
{
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
        services.AddSingleton<ReplicaWait>();
        services.AddSingleton<ReplayGuard>();
        services.AddSingleton<CredentialVerification>();
        services.AddSingleton<VehicleVerification>();
        // The class-versus-vehicle table the roadside check applies: the configured one (Registry:VehicleTypesPath,
        // registered by AddRegistry), else Core's embedded data.
        services.TryAddSingleton(VehicleTypeCatalog.Default);

        // The read side's jobs, one class each; VerificationApi only routes the contract's methods to them.
        services.AddSingleton<CredentialChecks>();
        services.AddSingleton<IssuerKeyListing>();
        services.AddSingleton<RegistryLookups>();
        services.AddSingleton<ViolationListing>();
        services.AddSingleton<VehicleChecks>();
        services.AddSingleton<RoadsideChecks>();
        return services;
    }
}
