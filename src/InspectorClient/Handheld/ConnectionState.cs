namespace ELicense.Inspector.Handheld;

/// <summary>Whether the server answers.</summary>
public enum ConnectionState
{
    /// <summary>Not tried yet.</summary>
    Unknown,

    /// <summary>The last call reached the server.</summary>
    Online,

    /// <summary>The last call could not reach the server.</summary>
    Offline,

    /// <summary>--offline: the server is never called.</summary>
    ForcedOffline,
}
