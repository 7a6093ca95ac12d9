using System.Diagnostics.CodeAnalysis;

namespace ELicense.Inspector.Localization;

/// <summary>The languages the console speaks.</summary>
public enum Language
{
    /// <summary>English.</summary>
    English,

    /// <summary>Simplified Chinese.</summary>
    Chinese,
}

/// <summary>Chooses the language: --lang first, then the locale variables the way POSIX ranks them.</summary>
public static class Languages
{
    /// <summary>The spellings --lang accepts, for help and error texts.</summary>
    public const string Accepted = "zh, en";

    /// <summary>The locale variables in POSIX precedence: LC_ALL overrides LC_MESSAGES overrides LANG.</summary>
    private static readonly string[] LocaleVariables = ["LC_ALL", "LC_MESSAGES", "LANG"];

    /// <summary>Parses "zh", "en", and locale-style names such as "zh_CN.UTF-8" or "en-US", case-insensitively.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Language? language)
    {
        var value = text?.Trim() ?? string.Empty;
        language = value.StartsWith("zh", StringComparison.OrdinalIgnoreCase) || value is "中文"
            ? Language.Chinese
            : value.StartsWith("en", StringComparison.OrdinalIgnoreCase)
                ? Language.English
                : null;
        return language is not null;
    }

    /// <summary>
    /// The language of the environment: the first locale variable that is set decides; a Chinese locale
    /// gives Chinese, anything else (C, POSIX, en_US, unset) English.
    /// </summary>
    public static Language FromEnvironment(Func<string, string?> getVariable)
    {
        foreach (var name in LocaleVariables)
        {
            var value = getVariable(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return TryParse(value, out var language) && language == Language.Chinese ? Language.Chinese : Language.English;
            }
        }

        return Language.English;
    }

    /// <summary>--lang when given (it must parse), else the environment's.</summary>
    public static Language Resolve(string? option, Func<string, string?> getVariable) =>
        option is not null && TryParse(option, out var chosen) ? chosen.Value : FromEnvironment(getVariable);
}
