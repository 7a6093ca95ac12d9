using Microsoft.Extensions.Options;

namespace ELicense.Server.Auditing;

/// <summary>Registers the audit trail: options, subject hashing, and the SQLite log with its writer run by the host.</summary>
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
        services.AddSingleton<SqliteAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        services.AddSingleton(sp => sp.GetRequiredService<SqliteAuditLog>().CommitState); // read by the "audit" health check
        services.AddSingleton<Auditor>();
        // Started before the server takes calls and stopped after it has drained them (the web server's
        // hosted service is registered after the application's), so no audited call finds the log closed.
        services.AddHostedService(sp => sp.GetRequiredService<SqliteAuditLog>());
        return services;
    }
}
