namespace ELicense.Server.Internal;

/// <summary>Startup failures reported as one line (see <see cref="StartupFailures"/>).</summary>
public static class StartupErrorExtensions
{
    public static IServiceCollection AddStartupErrors(this IServiceCollection services, ILoggingBuilder logging)
    {
        var failures = new StartupFailures();
        services.AddSingleton(failures);
        // Only the host's errors, only after a one-line report: a start that fails any other way logs as before.
        logging.AddFilter(StartupFailures.HostCategory, level => level < LogLevel.Error || !failures.Reported);
        return services;
    }
}
