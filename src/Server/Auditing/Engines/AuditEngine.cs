using ELicense.Server.Auditing.Postgres;
using ELicense.Server.Auditing.Sqlite;
using ELicense.Server.Internal;
using ELicense.Server.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ELicense.Server.Auditing.Engines;

/// <summary>
/// The one place that names the audit trail's storage engines and chooses one: the server's sink and the
/// trail <c>audit verify</c> reads come from the same choice, <c>Audit:Provider</c> (<c>Sqlite</c>, the
/// default, on <see cref="AuditOptions.Path"/>; <c>Postgres</c> on <see cref="AuditOptions.ConnectionString"/>).
/// It sits above the seam (<see cref="IAuditSink"/>, <see cref="IAuditTrailSource"/> and the writer,
/// which name no engine) and the engines (which depend on the seam).
/// </summary>
public static class AuditEngine
{
    /// <summary>Registers the chosen engine's <see cref="IAuditSink"/>, which <see cref="AuditWriter"/> commits through.</summary>
    public static IServiceCollection AddAuditEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (Provider(configuration) == StorageProvider.Postgres)
        {
            // The connection string is checked by AuditOptions' validation at start.
            services.TryAddSingleton<PostgresDataSources>();
            services.AddSingleton<PostgresAuditSink>();
            services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<PostgresAuditSink>());
            return services;
        }

        services.AddSingleton<SqliteAuditSink>();
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<SqliteAuditSink>());
        return services;
    }

    /// <summary>
    /// The chosen engine's trail, opened for reading only: on SQLite the file at <paramref name="path"/>
    /// (the command's <c>Audit:Path</c>, which its own arguments may override), on PostgreSQL the database
    /// of <c>Audit:ConnectionString</c> through a data source of its own, disposed with the trail.
    /// </summary>
    /// <exception cref="ArgumentException">Postgres is chosen and the connection string is missing or malformed (the message never shows it).</exception>
    public static IAuditTrailSource OpenReadOnlyTrail(IConfiguration configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (Provider(configuration) != StorageProvider.Postgres)
        {
            return new SqliteAuditTrail(path);
        }

        const string setting = $"{AuditOptions.SectionName}:{nameof(AuditOptions.ConnectionString)}";
        var connectionString = configuration[setting];
        if (PostgresTarget.Problem(setting, connectionString) is { } problem)
        {
            throw new ArgumentException(problem, nameof(configuration));
        }

        return new PostgresAuditTrail(PostgresDataSources.Build(connectionString!), ownsDataSource: true);
    }

    /// <summary><c>Audit:Provider</c>; SQLite when unset. An unknown value is left to <see cref="AuditOptions.Validate"/>'s message.</summary>
    private static StorageProvider Provider(IConfiguration configuration) =>
        Enum.TryParse<StorageProvider>(configuration[$"{AuditOptions.SectionName}:{nameof(AuditOptions.Provider)}"], ignoreCase: true, out var provider)
            && Enum.IsDefined(provider)
            ? provider
            : StorageProvider.Sqlite;
}
