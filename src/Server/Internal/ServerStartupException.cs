namespace ELicense.Server.Internal;

/// <summary>
/// A startup failure the operator fixes from one sentence (a port another replica holds): Program.cs
/// prints <see cref="Exception.Message"/> as one line on stderr and exits 1, without a stack trace.
/// Created only through <see cref="StartupFailures.Fail"/>, which also keeps the host's own error log quiet.
/// </summary>
public sealed class ServerStartupException : Exception
{
    public ServerStartupException()
    {
    }

    public ServerStartupException(string message)
        : base(message)
    {
    }

    public ServerStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
