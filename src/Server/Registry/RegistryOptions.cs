using Microsoft.Extensions.Options;

namespace ELicense.Server.Registry;

/// <summary>Where the embedded registry lives and how long a writer waits for the file lock.</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section ("Registry:Path", "Registry:BusyTimeoutMs").</summary>
    public const string SectionName = "Registry";

    /// <summary>The default database file, relative to the working directory.</summary>
    public const string DefaultPath = "data/registry.db";

    /// <summary>The SQLite database file. Its directory is created when missing.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>How long a statement waits for another connection's lock before failing with SQLITE_BUSY.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>The problems with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add($"{SectionName}:{nameof(Path)} must not be empty.");
        }

        if (BusyTimeoutMs is < 0 or > 600_000)
        {
            errors.Add($"{SectionName}:{nameof(BusyTimeoutMs)} must be between 0 and 600000.");
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
