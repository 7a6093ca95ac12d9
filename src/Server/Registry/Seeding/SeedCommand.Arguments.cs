using System.Globalization;

namespace ELicense.Server.Registry.Seeding;

/// <summary>The seed command's arguments.</summary>
public static partial class SeedCommand
{
    /// <param name="RegistrySettings">
    /// The <c>--Registry:Key=value</c> switches among the arguments (key without the section), which win
    /// over the host's configuration: its command-line source can lose them (<c>--force</c> takes the next
    /// argument as its value).
    /// </param>
    internal sealed record Arguments(long Licenses, int Seed, bool Force, DateOnly? Today, bool Help,
        IReadOnlyDictionary<string, string>? RegistrySettings = null)
    {
        /// <summary>The seed arguments' <c>--Registry:Path</c>, if any.</summary>
        public string? RegistryPath => RegistrySettings?.GetValueOrDefault(nameof(RegistryOptions.Path));
    }

    /// <summary>
    /// Parses the seed options. Configuration switches (<c>--Section:Key=value</c> or
    /// <c>--Section:Key value</c>) are skipped: the host's configuration already read them.
    /// </summary>
    internal static bool TryParse(IReadOnlyList<string> args, out Arguments parsed, out string error)
    {
        long? licenses = null;
        var seed = SyntheticRegistry.DefaultSeed;
        var force = false;
        DateOnly? today = null;
        var registrySettings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        parsed = new Arguments(0, seed, false, null, false);
        error = string.Empty;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            else
            {
                name = arg;
            }

            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
            {
                var configValue = inline ?? (i + 1 < args.Count ? args[++i] : null); // "--Registry:Path FILE"
                const string registry = "--" + RegistryOptions.SectionName + ":";
                if (name.StartsWith(registry, StringComparison.OrdinalIgnoreCase) && name.Length > registry.Length && configValue is not null)
                {
                    registrySettings[name[registry.Length..]] = configValue;
                }

                continue;
            }

            switch (name)
            {
                case "-h" or "--help" or "-?":
                    parsed = parsed with { Help = true };
                    return true;
                case "--force":
                    if (inline is not null)
                    {
                        error = "--force takes no value.";
                        return false;
                    }

                    force = true;
                    break;
                case "--licenses" or "--seed" or "--today":
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                    if (value is null)
                    {
                        error = $"{name} needs a value.";
                        return false;
                    }

                    if (name == "--licenses")
                    {
                        if (!long.TryParse(value.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal),
                                NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 100_000_000)
                        {
                            error = $"--licenses must be a whole number from 1 to 100000000, not '{value}'.";
                            return false;
                        }

                        licenses = n;
                    }
                    else if (name == "--seed")
                    {
                        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
                        {
                            error = $"--seed must be a 32-bit integer, not '{value}'.";
                            return false;
                        }
                    }
                    else
                    {
                        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                            || day.Year is < 2000 or > 2100)
                        {
                            error = $"--today must be a date yyyy-MM-dd between 2000 and 2100, not '{value}'.";
                            return false;
                        }

                        today = day;
                    }

                    break;
                default:
                    error = $"Unknown argument '{arg}'.";
                    return false;
            }
        }

        if (licenses is null)
        {
            error = "--licenses is required.";
            return false;
        }

        parsed = new Arguments(licenses.Value, seed, force, today, false, registrySettings);
        return true;
    }
}
