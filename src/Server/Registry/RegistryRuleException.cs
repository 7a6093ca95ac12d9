namespace ELicense.Server.Registry;

/// <summary>A write that a registry rule forbids (e.g. resolving an already paid violation).</summary>
public sealed class RegistryRuleException(string reason, string message) : Exception(message)
{
    /// <summary>The machine-readable reason, sent as <c>ErrorInfo.reason</c>.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// The reasons a <see cref="RegistryRuleException"/> carries. They are part of the wire contract
/// (<c>ErrorInfo.reason</c>); the rich-error helper's reason list spells the same values.
/// </summary>
public static class RegistryRuleReasons
{
    /// <summary>The write names a licence that is not in the registry.</summary>
    public const string LicenseNotFound = "LICENSE_NOT_FOUND";

    /// <summary>The violation is already resolved that far.</summary>
    public const string ViolationAlreadyResolved = "VIOLATION_ALREADY_RESOLVED";

    /// <summary>Resolving needs a licence and none is recorded or given.</summary>
    public const string LicenseRequired = "LICENSE_REQUIRED";
}
