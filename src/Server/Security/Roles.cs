namespace ELicense.Server.Security;

/// <summary>The roles a caller can hold, and the role sets the services authorise.</summary>
public static class Roles
{
    /// <summary>Police handhelds and desks: verification and every read query.</summary>
    public const string Officer = "officer";

    /// <summary>Second-hand transfer systems: vehicle and transfer checks, credential verification with minimal data.</summary>
    public const string Transfer = "transfer";

    /// <summary>The upstream traffic-management feed: the write side.</summary>
    public const string Registry = "registry";

    /// <summary>A licence holder's app: issue its own credentials, see who checked its licence.</summary>
    public const string Holder = "holder";

    public const string OfficerOrTransfer = Officer + "," + Transfer;

    public const string RegistryOrHolder = Registry + "," + Holder;

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Officer, Transfer, Registry, Holder };
}
