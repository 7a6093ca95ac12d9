namespace ELicense.Server.Registry.Postgres;

public sealed partial class PostgresChangeListener
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Listening for registry changes on {Target} (after {FailedAttempts} failed attempt(s)); the change feed is read now for what the gap may hide.")]
    private static partial void LogListening(ILogger logger, string target, int failedAttempts);

    [LoggerMessage(Message = "Listening for registry changes on {Target} failed ({Failures} in a row); trying again in {Delay}, the change feed is polled meanwhile.")]
    private static partial void LogListenFailed(ILogger logger, LogLevel level, string target, int failures, TimeSpan delay, Exception error);

    private void LogListenFailed(LogLevel level, string target, int failures, TimeSpan delay, Exception error) =>
        LogListenFailed(logger, level, target, failures, delay, error);
}
