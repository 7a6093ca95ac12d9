using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;
using Xunit;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>
/// The interactive console given two replicas (`--server A,B`) as the real program in tmux: it comes up
/// online, balanced over both, and a scan shows VALID. The tmux server runs on a socket of its own.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class ConsoleSeveralServersTests(SharedEnvironment env) : IDisposable
{
    private const string Session = "console";

    private static readonly string[] TmuxPaths = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"];

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-tmux-lb-").FullName;
    private string? _tmux;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (_tmux is not null)
        {
            Tmux(["kill-server"], check: false);
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Console_TwoServers_ComesUpOnlineAndScansValid()
    {
        _tmux = TmuxPaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("tmux is not installed (sudo apt-get install -y tmux).");
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var inspector = Path.Combine(AppContext.BaseDirectory, "inspector.dll");
        var command =
            $"env LANG=C.UTF-8 ELICENSE_API_KEY={TestCallers.Officer.Key} '{dotnet}' '{inspector}' --server {env.ServerA.Address},{env.ServerB.Address} " +
            $"--device tmux-lb --officer lb --cache-dir '{_directory}/cache' --export-dir '{_directory}'; echo INSPECTOR-EXIT=$?; sleep 120";

        Tmux(["new-session", "-d", "-s", Session, "-x", "140", "-y", "45", command]);
        await ScreenShowsAsync("● ONLINE");
        Tmux(["send-keys", "-t", Session, "-l", payload]);
        Tmux(["send-keys", "-t", Session, "Enter"]);
        await ScreenShowsAsync("✔  VALID", license.HolderName);
        Tmux(["send-keys", "-t", Session, "q"]);
        var screen = await ScreenShowsAsync("INSPECTOR-EXIT=");
        Assert.Contains("INSPECTOR-EXIT=0", screen, StringComparison.Ordinal);
    }

    // A real process on a pseudo-terminal: poll the screen, bounded by a minute.
    private async Task<string> ScreenShowsAsync(params string[] texts)
    {
        var screen = string.Empty;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            screen = Tmux(["capture-pane", "-p", "-t", Session]);
            if (texts.All(text => screen.Contains(text, StringComparison.Ordinal)))
            {
                return screen;
            }

            await Task.Delay(100, Ct);
        }

        throw new TimeoutException($"The console did not show \"{string.Join("\", \"", texts)}\" within a minute. Last screen:\n{screen}");
    }

    private string Tmux(IEnumerable<string> args, bool check = true)
    {
        var start = new ProcessStartInfo(_tmux!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(Path.Combine(_directory, "tmux.sock"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start.");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }

        return output;
    }
}
