namespace ELicense.Server.Internal;

/// <summary>
/// One host's record that it failed to start for a reason already put in one line. The host logs every
/// failed start as "Hosting failed to start" with the exception and its stack trace; once a failure is
/// reported here that log is filtered out (for this host only: the flag is per instance, and the other
/// errors of that log category, faulted background services among them, still show).
/// </summary>
public sealed class StartupFailures
{
    /// <summary>The logger category of the host's own "Hosting failed to start" line.</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private int _reported;

    public bool Reported => Volatile.Read(ref _reported) == 1;

    /// <summary>The exception to throw for <paramref name="message"/>; the host's error log stays quiet from now on.</summary>
    public ServerStartupException Fail(string message, Exception cause)
    {
        Interlocked.Exchange(ref _reported, 1);
        return new ServerStartupException(message, cause);
    }
}
