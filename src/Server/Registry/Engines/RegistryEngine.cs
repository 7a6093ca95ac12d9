using ELicense.Server.Internal;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Registry.Sqlite;

namespace ELicense.Server.Registry.Engines;

/// <summary>
/// The one place that names the registry's storage engines and chooses one: the server's store and
/// error classifier and the bulk loader <c>seed</c> writes through come from the same choice. It sits
/// above the seam (<see cref="IRegistryStore"/>, which names no engine) and the engines (which depend on
/// the seam), so neither depends on the other's choice: <c>Registry:Provider</c> = <c>Sqlite</c> (the
/// default, the embedded file) or <c>Postgres</c> (<c>Registry:ConnectionString</c>).
/// </summary>
public static class RegistryEngine
{
    /// <summary>Registers the chosen engine's <see cref="IRegistryStore"/> and <see cref="IRegistryErrorClassifier"/>.</summary>
    public static IServiceCollection AddRegistryEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return ProviderOf(configuration) switch
        {
            StorageProvider.Postgres => services.AddPostgresRegistryEngine(),
            _ => services.AddSqliteRegistryEngine(),
        };
    }

    /// <summary>
    /// The configured engine. An unknown value falls back to SQLite here; the options validation
    /// (<see cref="RegistryOptionsValidator"/>, on start) refuses it with the setting's name.
    /// </summary>
    private static StorageProvider ProviderOf(IConfiguration configuration)
    {
        var options = new RegistryOptions();
        try
        {
            configuration.GetSection(RegistryOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            // A value the binder cannot convert: the validator reports it when the options are first read.
        }

        return options.Provider;
    }

    /// <summary>
    /// The chosen engine's bulk loader for <c>seed</c>, on the registry at <paramref name="path"/> (the
    /// seed's <c>Registry:Path</c>, which its own arguments may override).
    /// </summary>
    public static IRegistryBulkLoader OpenBulkLoader(IConfiguration configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new SqliteBulkLoader(path);
    }
}
