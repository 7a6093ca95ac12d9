using ELicense.Server.Auditing.Sqlite;

namespace ELicense.Server.Auditing.Engines;

/// <summary>
/// The one place that names the audit trail's storage engines and chooses one: the server's sink and the
/// trail <c>audit verify</c> reads come from the same choice. It sits above the seam (<see cref="IAuditSink"/>,
/// <see cref="IAuditTrailSource"/> and the writer, which name no engine) and the engines (which depend on
/// the seam). Today the one engine is SQLite on <see cref="AuditOptions.Path"/>; a second one is chosen
/// here from the same configuration (an <c>Audit:Provider</c> setting).
/// </summary>
public static class AuditEngine
{
    /// <summary>Registers the chosen engine's <see cref="IAuditSink"/>, which <see cref="AuditWriter"/> commits through.</summary>
    public static IServiceCollection AddAuditEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<SqliteAuditSink>();
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<SqliteAuditSink>());
        return services;
    }

    /// <summary>
    /// The chosen engine's trail at <paramref name="path"/> (the command's <c>Audit:Path</c>, which its own
    /// arguments may override), opened for reading only.
    /// </summary>
    public static IAuditTrailSource OpenReadOnlyTrail(IConfiguration configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new SqliteAuditTrail(path);
    }
}
