namespace ELicense.Server.Registry;

/// <summary>
/// Which failures of the registry's engine are transient — lock contention, a dropped connection, a
/// failover — so that the registry pipeline retries them, and which are not (a constraint, corrupt data,
/// a rule's refusal), so that it fails at once. Each engine knows its own error codes and registers its
/// classifier beside its store; nothing above the registry names an engine's exception type.
/// </summary>
public interface IRegistryErrorClassifier
{
    /// <summary>True when the operation that threw <paramref name="exception"/> may succeed if retried.</summary>
    bool IsTransient(Exception? exception);
}
