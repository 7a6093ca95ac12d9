namespace ELicense.Server.Registry;

/// <summary>
/// The registry could not be read and nothing usable was cached. It sits beside <see cref="IRegistryStore"/>,
/// the interface whose failure it reports, so the readers that throw it (the cache, the violation listing,
/// the write path) and the host that translates it into UNAVAILABLE name the store, not each other.
/// </summary>
public sealed class RegistryUnavailableException(Exception inner)
    : Exception("The registry could not be reached and no cached copy is available.", inner);
