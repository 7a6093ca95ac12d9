using ELicense.IntegrationTests.Infrastructure;
using ELicense.IntegrationTests.Inspector;
using Xunit;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>
/// The interactive console given two replicas (`--server A,B`) as the real program in tmux
/// (<see cref="TmuxConsole"/>): it comes up online, balanced over both, and a scan shows VALID.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class ConsoleSeveralServersTests(SharedEnvironment env) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-tmux-lb-").FullName;
    private TmuxConsole? _console;

    public void Dispose()
    {
        _console?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Console_TwoServers_ComesUpOnlineAndScansValid()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);

        _console = TmuxConsole.Start(_directory, [env.ServerA.Address, env.ServerB.Address], device: "tmux-lb", officer: "lb");
        await _console.ScreenShowsAsync("● ONLINE");
        _console.TypeLine(payload);
        await _console.ScreenShowsAsync("✔  VALID", license.HolderName);
        _console.Key("q");
        var screen = await _console.ScreenShowsAsync("INSPECTOR-EXIT=");
        Assert.Contains("INSPECTOR-EXIT=0", screen, StringComparison.Ordinal);
    }
}
