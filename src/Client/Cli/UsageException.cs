namespace ELicense.Client.Cli;

/// <summary>A usage error found while running a command (e.g. empty input); exit code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public UsageException()
        : base("usage error")
    {
    }

    /// <summary>Creates an exception with a message for the user.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception wrapping another.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
