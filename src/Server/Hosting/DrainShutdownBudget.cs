using Microsoft.Extensions.Options;

namespace ELicense.Server.Hosting;

/// <summary>
/// The host's stop budget (<see cref="HostOptions.ShutdownTimeout"/>) and the drain's need of it
/// (<see cref="DrainOptions.ShutdownTimeout"/>: grace, call drain, the rest of the stop). An operator's own value
/// (configuration <c>HostOptions:ShutdownTimeout</c>, the host's <c>shutdownTimeoutSeconds</c>, or code) is kept;
/// only when none was set does the drain set it. One shorter than the drain needs would cut the drain (and the audit
/// flush after it) short without a word: it is refused at start, naming both figures and the keys to change.
/// </summary>
public sealed class DrainShutdownBudget(IOptions<DrainOptions> drain, IConfiguration configuration) : IPostConfigureOptions<HostOptions>, IValidateOptions<HostOptions>
{
    /// <summary>The configuration section bound onto <see cref="HostOptions"/> (the generic host reads no such section itself).</summary>
    public const string SectionName = "HostOptions";

    /// <summary>The generic host's own setting for the same budget, in whole seconds.</summary>
    public const string HostSecondsKey = "shutdownTimeoutSeconds";

    private static readonly TimeSpan DotNetDefault = new HostOptions().ShutdownTimeout;

    /// <summary>Binds <c>HostOptions</c> from <paramref name="configuration"/>, then sets or checks the stop budget.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HostOptions>(configuration.GetSection(SectionName));
        services.AddSingleton(sp => new DrainShutdownBudget(sp.GetRequiredService<IOptions<DrainOptions>>(), configuration));
        services.AddSingleton<IPostConfigureOptions<HostOptions>>(sp => sp.GetRequiredService<DrainShutdownBudget>());
        services.AddSingleton<IValidateOptions<HostOptions>>(sp => sp.GetRequiredService<DrainShutdownBudget>());
    }

    /// <summary>True when the operator chose the budget: in configuration, or in code (a value other than .NET's default).</summary>
    public bool SetByOperator(HostOptions host) =>
        configuration[SectionName + ":" + nameof(HostOptions.ShutdownTimeout)] is not null
        || configuration[HostSecondsKey] is not null
        || host.ShutdownTimeout != DotNetDefault;

    public void PostConfigure(string? name, HostOptions options)
    {
        if (!SetByOperator(options))
        {
            options.ShutdownTimeout = drain.Value.ShutdownTimeout;
        }
    }

    public ValidateOptionsResult Validate(string? name, HostOptions options)
    {
        var need = drain.Value;
        // Infinite (-1 ms, "wait for ever") is as long as any drain needs.
        return options.ShutdownTimeout == Timeout.InfiniteTimeSpan || options.ShutdownTimeout >= need.ShutdownTimeout
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{SectionName}:{nameof(HostOptions.ShutdownTimeout)} is {options.ShutdownTimeout}, shorter than a stop needs: " +
                $"{DrainOptions.SectionName}:{nameof(DrainOptions.Grace)} ({need.Grace}) + {DrainOptions.SectionName}:{nameof(DrainOptions.MaxCallDuration)} " +
                $"({need.MaxCallDuration}) + {DrainOptions.StopMargin} for the rest of the stop = {need.ShutdownTimeout}. Raise it to at least " +
                $"{need.ShutdownTimeout}, lower the drain's, or leave it unset (the drain then sets it).");
    }
}
