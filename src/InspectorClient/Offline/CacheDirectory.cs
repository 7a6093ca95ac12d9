namespace ELicense.Inspector.Offline;

/// <summary>Where the handheld keeps what must survive a restart: the issuer's keys and the offline queue.</summary>
public static class CacheDirectory
{
    /// <summary>Environment variable naming the directory.</summary>
    public const string Variable = "ELICENSE_CACHE_DIR";

    /// <summary>
    /// --cache-dir, else $ELICENSE_CACHE_DIR, else $XDG_CACHE_HOME/elicense, else ~/.cache/elicense
    /// (%LOCALAPPDATA%\elicense on Windows), else a folder under the temporary directory.
    /// </summary>
    public static string Resolve(string? option, Func<string, string?> getVariable)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return Path.GetFullPath(ExpandHome(option.Trim(), getVariable));
        }

        if (getVariable(Variable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(ExpandHome(configured, getVariable));
        }

        if (getVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "elicense");
        }

        if (OperatingSystem.IsWindows() && getVariable("LOCALAPPDATA") is { Length: > 0 } local)
        {
            return Path.Combine(local, "elicense");
        }

        return getVariable("HOME") is { Length: > 0 } home
            ? Path.Combine(home, ".cache", "elicense")
            : Path.Combine(Path.GetTempPath(), "elicense-cache");
    }

    /// <summary>Replaces a leading "~/" by $HOME, as a shell would for an unquoted path.</summary>
    public static string ExpandHome(string path, Func<string, string?> getVariable) =>
        (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)) && getVariable("HOME") is { Length: > 0 } home
            ? home + path[1..]
            : path;
}
