using ELicense.IntegrationTests.Infrastructure;
using Xunit;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// The interactive console end to end, as an officer meets it: the real program in a pseudo-terminal
/// (<see cref="TmuxConsole"/>), keys typed the way a barcode scanner types them, the screen read back.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class ConsoleTmuxTests(SharedEnvironment env) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-tmux-it-").FullName;
    private TmuxConsole? _console;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _console?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Console_ScannerTypesACode_ShowsVerdictExportsAndQuits()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
        var masked = license.LicenseNumber[..6] + "********" + license.LicenseNumber[^4..];

        _console = TmuxConsole.Start(_directory, [env.ServerA.Address], device: "tmux-e2e", officer: "e2e");
        await _console.ScreenShowsAsync("Scan / image path / licence no. / plate");
        await _console.ScreenShowsAsync("● ONLINE");

        // A scanner in keyboard mode: the QR text, then Enter, and nothing else.
        _console.TypeLine(payload);
        // One capture that holds the whole card (see ScreenShowsAsync).
        var screen = await _console.ScreenShowsAsync("✔  VALID", masked, license.HolderName, "C1 small car", "officer e2e");
        Assert.DoesNotContain(license.LicenseNumber, screen, StringComparison.Ordinal);

        // One key exports the shift; Enter takes the default file name.
        _console.Key("x");
        await _console.ScreenShowsAsync("Export the shift history to");
        _console.Key("Enter");
        await _console.ScreenShowsAsync("shift history exported to");

        _console.Key("q");
        screen = await _console.ScreenShowsAsync("INSPECTOR-EXIT=");
        Assert.Contains("INSPECTOR-EXIT=0", screen, StringComparison.Ordinal);
        Assert.Contains("shift ended: 1 check(s)", screen, StringComparison.Ordinal);
        var csv = Assert.Single(Directory.GetFiles(_directory, "shift-tmux-e2e-*.csv"));
        var rows = await File.ReadAllLinesAsync(csv, Ct);
        Assert.Equal(2, rows.Length);
        Assert.Contains($"scan,{masked}", rows[1], StringComparison.Ordinal);
    }
}
