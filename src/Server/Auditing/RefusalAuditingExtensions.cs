using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>Registers the audit records of refused calls: the aggregator and the recorder the refusal hooks call.</summary>
public static class RefusalAuditingExtensions
{
    /// <remarks>Call after <see cref="AuditingExtensions.AddAuditing"/>: hosted services stop in reverse order, so the
    /// aggregator writes its last second before the audit log closes.</remarks>
    public static IServiceCollection AddRefusalAuditing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RefusalAuditOptions>().Bind(configuration.GetSection(RefusalAuditOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RefusalAuditOptions>, RefusalAuditOptionsValidator>();
        services.AddSingleton<RefusalAggregator>();
        services.AddHostedService(sp => sp.GetRequiredService<RefusalAggregator>());
        services.AddSingleton<Refusals>();
        return services;
    }
}
