using System.Globalization;

namespace ELicense.Testing;

/// <summary>
/// Where PostgreSQL's server programs are: on PATH, else in Debian's versioned directory
/// (<c>/usr/lib/postgresql/N/bin</c>, which the <c>postgresql</c> package does not put on PATH), newest first.
/// A machine without them fails the test with the command that installs them, never a silent skip.
/// </summary>
public static class PostgresBinaries
{
    /// <summary>What to run when the programs are missing.</summary>
    public const string InstallHint = "sudo apt-get install -y postgresql";

    private static readonly Lazy<string> Directory = new(Find);

    /// <summary>The directory holding initdb, pg_ctl and postgres.</summary>
    public static string BinDirectory => Directory.Value;

    /// <summary>The full path of <paramref name="program"/> (initdb, pg_ctl, ...).</summary>
    public static string Path(string program) => System.IO.Path.Combine(BinDirectory, program);

    private static string Find()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var debian = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(System.IO.Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => System.IO.Path.Combine(d, "bin"))
            : [];
        foreach (var candidate in onPath.Concat(debian))
        {
            if (File.Exists(System.IO.Path.Combine(candidate, "initdb")) && File.Exists(System.IO.Path.Combine(candidate, "pg_ctl")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"PostgreSQL's server programs (initdb, pg_ctl) are not on PATH nor in /usr/lib/postgresql/*/bin. Install them: {InstallHint}");
    }
}
