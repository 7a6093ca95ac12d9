using ELicense.V1;
using Grpc.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Auditing;

/// <summary>
/// What one audited call is about, filled in by the service as it learns it (the subject of a scanned
/// credential is known only once its signature verified). Clear identifiers stay in memory: only
/// their keyed hashes are written.
/// </summary>
public sealed class AuditScope
{
    public string DeviceId { get; set; } = "";

    public string? LicenseNumber { get; set; }

    public Plate? Plate { get; set; }

    public string? Vin { get; set; }

    public LookupPurpose Purpose { get; set; }

    /// <summary>The outcome: a verdict name, "OK", "ELIGIBLE", or a status code name on failure.</summary>
    public string Result { get; set; } = "";

    public DataSource Source { get; set; }
}

/// <summary>Access to the current call's audit scope.</summary>
public static class AuditScopeContext
{
    /// <summary>The scope of an audited call, or null for calls that are not audited.</summary>
    public static AuditScope? Audit(this ServerCallContext context) =>
        context.UserState.TryGetValue(typeof(AuditScope), out var scope) ? scope as AuditScope : null;
}
