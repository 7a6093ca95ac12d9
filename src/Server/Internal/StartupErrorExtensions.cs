namespace ELicense.Server.Internal;

/// <summary>Startup failures reported as one line (see <see cref="StartupFailures"/>).</summary>
public static class StartupErrorExtensions
{
    public static IServiceCollection AddStartupErrors(this IServiceCollection services, ILoggingBuilder logging)
    {
        var failures = new StartupFailures();
        services.AddSingleton(failures);
        // Only the host's errors, only after a one-line report: a start that fails any other way logs as before.
        // A rule without a level would be the most specific one for the host's category and let its Debug lines
        // ("Hosting starting", ...) through whatever Logging:LogLevel says, so it carries the level the
        // configuration gives that category (PostConfigure: after the configuration's rules are in).
        logging.Services.PostConfigure<LoggerFilterOptions>(options => options.Rules.Add(new LoggerFilterRule(null, StartupFailures.HostCategory,
            ConfiguredLevel(options), (_, _, level) => level < LogLevel.Error || !failures.Reported)));
        return services;
    }

    /// <summary>The level the rules without a provider give the host's category (the longest matching category wins, the later on a tie).</summary>
    private static LogLevel? ConfiguredLevel(LoggerFilterOptions options)
    {
        LoggerFilterRule? best = null;
        foreach (var rule in options.Rules)
        {
            if (rule.ProviderName is not null
                || (rule.CategoryName is { } category && !StartupFailures.HostCategory.StartsWith(category, StringComparison.OrdinalIgnoreCase))
                || (best?.CategoryName is { } current && (rule.CategoryName is null || rule.CategoryName.Length < current.Length)))
            {
                continue;
            }

            best = rule;
        }

        return best is null ? options.MinLevel : best.LogLevel;
    }
}
