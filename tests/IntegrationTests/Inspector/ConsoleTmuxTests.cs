using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;
using Xunit;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// The interactive console end to end, as an officer meets it: the real program in a pseudo-terminal
/// (tmux), keys typed the way a barcode scanner types them, the screen read back with capture-pane.
/// The tmux server runs on a socket of its own and is killed when the test ends, whatever happened.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class ConsoleTmuxTests(SharedEnvironment env) : IDisposable
{
    private const string Session = "console";

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-tmux-it-").FullName;
    private string? _tmux;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (_tmux is not null)
        {
            // Ends the session and the console in it; the socket is this test's alone.
            Tmux(["kill-server"], check: false);
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Console_ScannerTypesACode_ShowsVerdictExportsAndQuits()
    {
        _tmux = FindOnPath("tmux") ?? throw new InvalidOperationException(
            "tmux is not installed. The end-to-end console test drives the console through a pseudo-terminal with tmux: install it with " +
            "`sudo apt-get install -y tmux` (Debian/Ubuntu), or run .ci/run, which installs it.");
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
        var masked = license.LicenseNumber[..6] + "********" + license.LicenseNumber[^4..];
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var inspector = Path.Combine(AppContext.BaseDirectory, "inspector.dll");
        var command =
            $"env LANG=C.UTF-8 ELICENSE_API_KEY={TestCallers.Officer.Key} '{dotnet}' '{inspector}' --server {env.ServerA.Address} " +
            $"--device tmux-e2e --officer e2e --cache-dir '{_directory}/cache' --export-dir '{_directory}'; echo INSPECTOR-EXIT=$?; sleep 120";

        Tmux(["new-session", "-d", "-s", Session, "-x", "140", "-y", "45", command]);
        await ScreenShowsAsync("Scan / image path / licence no. / plate");
        await ScreenShowsAsync("● ONLINE");

        // A scanner in keyboard mode: the QR text, then Enter, and nothing else.
        Tmux(["send-keys", "-t", Session, "-l", payload]);
        Tmux(["send-keys", "-t", Session, "Enter"]);
        // One capture that holds the whole card: a capture taken while the screen is being redrawn can show the
        // banner before the lines below it, so wait for all of them together (the wait fails naming what is missing).
        var screen = await ScreenShowsAsync("✔  VALID", masked, license.HolderName, "C1 small car", "officer e2e");
        Assert.DoesNotContain(license.LicenseNumber, screen, StringComparison.Ordinal);

        // One key exports the shift; Enter takes the default file name.
        Tmux(["send-keys", "-t", Session, "x"]);
        await ScreenShowsAsync("Export the shift history to");
        Tmux(["send-keys", "-t", Session, "Enter"]);
        await ScreenShowsAsync("shift history exported to");

        Tmux(["send-keys", "-t", Session, "q"]);
        screen = await ScreenShowsAsync("INSPECTOR-EXIT=");
        Assert.Contains("INSPECTOR-EXIT=0", screen, StringComparison.Ordinal);
        Assert.Contains("shift ended: 1 check(s)", screen, StringComparison.Ordinal);
        var csv = Assert.Single(Directory.GetFiles(_directory, "shift-tmux-e2e-*.csv"));
        var rows = await File.ReadAllLinesAsync(csv, Ct);
        Assert.Equal(2, rows.Length);
        Assert.Contains($"scan,{masked}", rows[1], StringComparison.Ordinal);
    }

    /// <summary>Polls the screen until it shows <paramref name="text"/>; fails with the last screen after a minute.</summary>
    // The first capture that shows every one of the texts (a real process on a pseudo-terminal: poll, bounded).
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

        var missing = string.Join("\", \"", texts.Where(text => !screen.Contains(text, StringComparison.Ordinal)));
        throw new TimeoutException($"The console did not show \"{missing}\" within a minute. Last screen:\n{screen}");
    }

    private string Tmux(IEnumerable<string> args, bool check = true)
    {
        var start = new ProcessStartInfo(_tmux!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // A socket inside the test's own directory: no other tmux server is touched, nothing is left behind.
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

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin")
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
