using ELicense.Server.Internal;
using Microsoft.Extensions.Configuration;

namespace ELicense.Server.Registry.Seeding;

/// <summary>Where the seed goes: the server's <c>Registry:*</c> settings, checked as the server checks them.</summary>
public static partial class SeedCommand
{
    /// <summary>The configuration the loader is chosen from, and the problems with its registry settings (none when usable).</summary>
    internal sealed record Settings(IConfiguration Configuration, RegistryOptions Options, IReadOnlyList<string> Problems);

    /// <summary>
    /// The host's configuration (appsettings, environment, command line) with the seed arguments'
    /// <c>--Registry:*</c> switches over it, and the registry options it binds to. The messages name
    /// settings, never a value: a connection string may hold a password.
    /// </summary>
    internal static Settings ReadSettings(IConfiguration configuration, Arguments parsed)
    {
        if (parsed.RegistrySettings is { Count: > 0 } overrides)
        {
            configuration = new ConfigurationBuilder()
                .AddConfiguration(configuration)
                .AddInMemoryCollection(overrides.Select(o =>
                    KeyValuePair.Create<string, string?>($"{RegistryOptions.SectionName}:{o.Key}", o.Value)))
                .Build();
        }

        var section = configuration.GetSection(RegistryOptions.SectionName);
        var provider = section[nameof(RegistryOptions.Provider)];
        if (!string.IsNullOrWhiteSpace(provider)
            && (!Enum.TryParse<StorageProvider>(provider, ignoreCase: true, out var engine) || !Enum.IsDefined(engine)))
        {
            return new Settings(configuration, new RegistryOptions(),
                [$"{RegistryOptions.SectionName}:{nameof(RegistryOptions.Provider)} must be {nameof(StorageProvider.Sqlite)} or {nameof(StorageProvider.Postgres)}."]);
        }

        RegistryOptions options;
        try
        {
            options = section.Get<RegistryOptions>() ?? new RegistryOptions();
        }
        catch (InvalidOperationException e)
        {
            // A number that is not one (Registry:BusyTimeoutMs); string settings such as the connection string never fail to bind.
            return new Settings(configuration, new RegistryOptions(), [$"The {RegistryOptions.SectionName} settings cannot be read: {e.Message}"]);
        }

        if (string.IsNullOrWhiteSpace(options.Path))
        {
            options.Path = RegistryOptions.DefaultPath;
        }

        return new Settings(configuration, options, options.Validate());
    }
}
