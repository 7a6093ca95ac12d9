using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>
/// Registers the audit trail: options, subject hashing, and the writer run by the host. The sink it
/// commits through is registered by <c>Engines/AuditEngine</c>, which chooses the engine.
/// </summary>
public static class AuditingExtensions
{
    public static IServiceCollection AddAuditing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddSingleton(sp => AuditSubjects.Create(
            sp.GetRequiredService<IOptions<AuditOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<AuditSubjects>()));
        services.AddSingleton<AuditWriter>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditWriter>());
        services.AddSingleton(sp => sp.GetRequiredService<AuditWriter>().CommitState); // read by the "audit" health check
        services.AddSingleton<Auditor>();
        // Started before the server takes calls and stopped after it has drained them (the web server's
        // hosted service is registered after the application's), so no audited call finds the log closed.
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        return services;
    }
}
