namespace ELicense.Testing;

/// <summary>
/// Where <c>redis-server</c> and <c>redis-cli</c> are (PATH, then /usr/bin and /usr/sbin). A machine without them
/// fails the test with the command that installs them, never a silent skip.
/// </summary>
public static class RedisBinaries
{
    /// <summary>What to run when the programs are missing (Debian/Ubuntu; redis-server pulls in redis-tools, which has redis-cli).</summary>
    public const string InstallHint = "sudo apt-get install -y redis-server redis-tools";

    private static readonly Lazy<string> ServerPath = new(() => Find("redis-server"));
    private static readonly Lazy<string> CliPath = new(() => Find("redis-cli"));

    /// <summary>The full path of redis-server.</summary>
    public static string Server => ServerPath.Value;

    /// <summary>The full path of redis-cli.</summary>
    public static string Cli => CliPath.Value;

    private static string Find(string program)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/sbin");
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"{program} was not found on PATH nor in /usr/bin, /usr/sbin. The Redis Cluster tests need a real Redis (>= 7 for sharded pub/sub): " +
            $"install it with `{InstallHint}`, or run .ci/run, which installs it.");
    }
}
