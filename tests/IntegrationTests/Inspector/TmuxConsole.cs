using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// The interactive console as the real program on a pseudo-terminal (tmux): keys typed the way a barcode
/// scanner types them, the screen read back with capture-pane. The tmux server runs on a socket inside the
/// test's own directory, so no other tmux server is touched; dispose kills it (and the console in it), whatever happened.
/// </summary>
public sealed class TmuxConsole : IDisposable
{
    private const string Session = "console";

    /// <summary>How long a wait for the screen may take: a real process on a loaded machine.</summary>
    public static readonly TimeSpan ScreenBound = TimeSpan.FromSeconds(60);

    /// <summary>How long one tmux client command may take: they return at once; a hung one is killed, not waited for forever.</summary>
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(10);

    private readonly string _tmux;
    private readonly string _socket;

    private TmuxConsole(string tmux, string directory)
    {
        _tmux = tmux;
        _socket = Path.Combine(directory, "tmux.sock");
    }

    /// <summary>
    /// Starts the inspector's console in a 140×45 tmux session as the officer, against <paramref name="servers"/>
    /// (comma-separated as <c>--server</c> takes them), its cache and exports in <paramref name="directory"/>. When it
    /// exits the pane shows <c>INSPECTOR-EXIT=code</c> and stays up to be read.
    /// </summary>
    public static TmuxConsole Start(string directory, IEnumerable<Uri> servers, string device, string officer)
    {
        var tmux = FindOnPath("tmux") ?? throw new InvalidOperationException(
            "tmux is not installed. The end-to-end console tests drive the console through a pseudo-terminal with tmux: install it with " +
            "`sudo apt-get install -y tmux` (Debian/Ubuntu), or run .ci/run, which installs it.");
        var console = new TmuxConsole(tmux, directory);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var inspector = Path.Combine(AppContext.BaseDirectory, "inspector.dll");
        var command =
            $"env LANG=C.UTF-8 ELICENSE_API_KEY={TestCallers.Officer.Key} '{dotnet}' '{inspector}' --server {string.Join(',', servers)} " +
            $"--device {device} --officer {officer} --cache-dir '{directory}/cache' --export-dir '{directory}'; echo INSPECTOR-EXIT=$?; sleep 120";
        try
        {
            console.Run(["new-session", "-d", "-s", Session, "-x", "140", "-y", "45", command]);
            return console;
        }
        catch
        {
            console.Dispose();
            throw;
        }
    }

    /// <summary>Types <paramref name="text"/> literally, then Enter: what a scanner in keyboard mode sends.</summary>
    public void TypeLine(string text)
    {
        Run(["send-keys", "-t", Session, "-l", text]);
        Run(["send-keys", "-t", Session, "Enter"]);
    }

    /// <summary>Sends one key by its tmux name (<c>q</c>, <c>x</c>, <c>Enter</c>).</summary>
    public void Key(string key) => Run(["send-keys", "-t", Session, key]);

    /// <summary>The screen now.</summary>
    public string Screen() => Run(["capture-pane", "-p", "-t", Session]);

    /// <summary>
    /// The first capture that shows every one of <paramref name="texts"/> (a capture taken while the screen is being
    /// redrawn can show some lines before others, so they are waited for together); fails naming what is missing,
    /// with the last screen, after <see cref="ScreenBound"/>.
    /// </summary>
    public async Task<string> ScreenShowsAsync(params string[] texts)
    {
        var screen = string.Empty;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ScreenBound)
        {
            screen = Screen();
            if (texts.All(text => screen.Contains(text, StringComparison.Ordinal)))
            {
                return screen;
            }

            await Task.Delay(100, Xunit.TestContext.Current.CancellationToken);
        }

        var missing = string.Join("\", \"", texts.Where(text => !screen.Contains(text, StringComparison.Ordinal)));
        throw new TimeoutException($"The console did not show \"{missing}\" within {ScreenBound.TotalSeconds:0} s. Last screen:\n{screen}");
    }

    /// <summary>Ends the session and the console in it; the socket is this console's alone.</summary>
    public void Dispose() => Run(["kill-server"], check: false);

    private string Run(IEnumerable<string> args, bool check = true)
    {
        var start = new ProcessStartInfo(_tmux) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start.");
        // Both pipes read at once (a full stderr pipe must not stall a client we wait on), and the wait bounded.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandBound))
        {
            // Only this tmux client, by its handle: the server (and the console in it) is dispose's kill-server to end.
            process.Kill();
            process.WaitForExit(CommandBound);
            throw new TimeoutException($"tmux {string.Join(' ', args)} did not finish within {CommandBound.TotalSeconds:0} s; killed.");
        }

        // The client has exited; its pipes close with it (the tmux server it may have started does not hold them).
        if (!Task.WaitAll([output, error], CommandBound))
        {
            throw new TimeoutException($"tmux {string.Join(' ', args)} exited but its output did not close within {CommandBound.TotalSeconds:0} s.");
        }

        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {error.Result}");
        }

        return output.Result;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin")
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
