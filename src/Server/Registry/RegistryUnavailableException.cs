namespace ELicense.Server.Registry;

/// <summary>
/// The registry could not be read (or written) and nothing usable was cached: thrown by the registry's
/// callers (the caches, the features) once the registry pipeline has given up, translated to
/// UNAVAILABLE with a retry hint by the host. It sits beside <see cref="IRegistryStore"/>, the seam it
/// belongs to, so that whoever translates it needs no dependency on whoever throws it.
/// </summary>
public sealed class RegistryUnavailableException(Exception inner)
    : Exception("The registry could not be reached and no cached copy is available.", inner);
