namespace ELicense.Inspector.Handheld;

/// <summary>
/// Another console holds the cache directory (see <see cref="DeviceLock"/>). The console command turns it
/// into a usage error: the officer gives this console another --cache-dir.
/// </summary>
public sealed class CacheDirectoryInUseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CacheDirectoryInUseException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CacheDirectoryInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CacheDirectoryInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
