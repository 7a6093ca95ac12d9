using ELicense.Server.Internal;
using ELicense.Server.Postgres;
using ELicense.Core.Rules;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Registry;

/// <summary>
/// Which engine holds the registry and where: the embedded SQLite file (the default, zero set-up, one
/// host) or a PostgreSQL database (replicas on many hosts).
/// </summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section ("Registry:Provider", "Registry:ConnectionString", "Registry:Path", ...).</summary>
    public const string SectionName = "Registry";

    /// <summary>The engine: <c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The Npgsql connection string of the PostgreSQL database (<see cref="Provider"/> = <c>Postgres</c>);
    /// ignored by SQLite. The server creates and migrates the <c>registry</c> schema in it.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The default database file, relative to the working directory.</summary>
    public const string DefaultPath = "data/registry.db";

    /// <summary>The SQLite database file (<see cref="Provider"/> = <c>Sqlite</c>). Its directory is created when missing.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>How long a statement waits for another connection's lock before failing with SQLITE_BUSY.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// A vehicle-type catalogue file (the format of Core's embedded VehicleTypes.txt) to use instead of the
    /// embedded one, for a deployment whose authority registers types the default table lacks; empty: the
    /// embedded catalogue. Read once at start: a malformed file stops the server, naming its line.
    /// </summary>
    public string? VehicleTypesPath { get; set; }

    /// <summary>The catalogue these options name: the file at <see cref="VehicleTypesPath"/>, or the embedded one.</summary>
    /// <exception cref="FormatException">The file is malformed (the message names <c>path:line</c>).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public VehicleTypeCatalog LoadVehicleTypes() =>
        string.IsNullOrWhiteSpace(VehicleTypesPath) ? VehicleTypeCatalog.Default : VehicleTypeCatalog.Load(VehicleTypesPath);

    /// <summary>The problems with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Provider))
        {
            errors.Add($"{SectionName}:{nameof(Provider)} must be {nameof(StorageProvider.Sqlite)} or {nameof(StorageProvider.Postgres)}.");
        }
        else if (Provider == StorageProvider.Postgres)
        {
            if (PostgresTarget.Problem($"{SectionName}:{nameof(ConnectionString)}", ConnectionString) is { } problem)
            {
                errors.Add(problem);
            }
        }
        else if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add($"{SectionName}:{nameof(Path)} must not be empty.");
        }

        if (BusyTimeoutMs is < 0 or > 600_000)
        {
            errors.Add($"{SectionName}:{nameof(BusyTimeoutMs)} must be between 0 and 600000.");
        }

        if (!string.IsNullOrWhiteSpace(VehicleTypesPath))
        {
            try
            {
                LoadVehicleTypes();
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                errors.Add($"{SectionName}:{nameof(VehicleTypesPath)}: {e.Message}");
            }
        }

        return errors;
    }
}

/// <summary>Checks <see cref="RegistryOptions"/> at startup (register with <c>ValidateOnStart</c>).</summary>
public sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
