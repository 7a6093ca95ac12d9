using ELicense.Server.Auditing.Sqlite;

namespace ELicense.Server.Auditing;

/// <summary>
/// The one place that names the audit trail's storage engine: the server's sink and the trail
/// <c>audit verify</c> reads. Everything else goes through <see cref="IAuditSink"/> and
/// <see cref="IAuditTrailSource"/>. (A second engine is chosen here, by an <c>Audit:Provider</c> option.)
/// </summary>
public static class AuditEngine
{
    /// <summary>Registers the sink the writer commits through (SQLite, on <see cref="AuditOptions.Path"/>).</summary>
    internal static IServiceCollection AddAuditSink(this IServiceCollection services)
    {
        services.AddSingleton<SqliteAuditSink>();
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<SqliteAuditSink>());
        return services;
    }

    /// <summary>The trail at <paramref name="path"/>, opened for reading only.</summary>
    public static IAuditTrailSource ReadOnlyTrail(string path) => new SqliteAuditTrail(path);
}
