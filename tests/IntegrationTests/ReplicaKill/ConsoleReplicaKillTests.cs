using ELicense.IntegrationTests.Infrastructure;
using ELicense.IntegrationTests.Inspector;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.ReplicaKill;

/// <summary>
/// The console (the real program in tmux, <see cref="TmuxConsole"/>) over three replica processes, and the
/// replica its header names — the first address — SIGKILLed: the officer goes on scanning, every scan is
/// answered VALID by a live replica (amber while the survivors cannot vouch for the dead one's claims), and the
/// console never shows itself offline.
/// </summary>
public sealed class ConsoleReplicaKillTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>, IDisposable
{
    private const int ScansAfterKill = 3;

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-tmux-kill-").FullName;
    private TmuxConsole? _console;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _console?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Console_FirstOfThreeReplicasSigkilled_StaysOnlineAndScansValid()
    {
        await using var set = await ProcessReplicas.StartAsync(fixture.Cluster, 3, Ct);
        var registry = set.Registry;
        var licences = new List<License>();
        var payloads = new List<string>();
        for (var i = 0; i <= ScansAfterKill; i++)
        {
            // A holder name of its own per scan: the screen shows which scan's card it is.
            var license = TestData.NewLicense();
            license.HolderName = $"测试 kill-{i}";
            licences.Add((await registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = license }, cancellationToken: Ct)).License);
            payloads.Add((await registry.IssueCredentialAsync(new IssueCredentialRequest { LicenseNumber = license.LicenseNumber }, cancellationToken: Ct)).QrPayload);
        }

        _console = TmuxConsole.Start(_directory, set.Addresses, device: "tmux-kill", officer: "kill");
        await _console.ScreenShowsAsync("● ONLINE");
        _console.TypeLine(payloads[0]);
        await _console.ScreenShowsAsync("✔  VALID", licences[0].HolderName, "● ONLINE");

        await set.KillAsync(0);
        for (var i = 1; i <= ScansAfterKill; i++)
        {
            _console.TypeLine(payloads[i]);
            // Green, or amber while the survivors cannot vouch for the dead replica's claims (README: a crashed replica
            // leaves answers SHARED_INCOMPLETE for a while): VALID either way, never refused, never offline.
            var screen = await _console.ScreenShowsAsync("  VALID", licences[i].HolderName, "● ONLINE");
            Assert.True(screen.Contains("✔  VALID", StringComparison.Ordinal) || screen.Contains("⚠  VALID", StringComparison.Ordinal), screen);
            Assert.DoesNotContain("OFFLINE", screen, StringComparison.Ordinal);
        }

        // The shift's record says it too: every check answered online, VALID.
        _console.Key("x");
        await _console.ScreenShowsAsync("Export the shift history to");
        _console.Key("Enter");
        await _console.ScreenShowsAsync("shift history exported to");
        _console.Key("q");
        var last = await _console.ScreenShowsAsync("INSPECTOR-EXIT=");
        Assert.Contains("INSPECTOR-EXIT=0", last, StringComparison.Ordinal);
        var csv = Assert.Single(Directory.GetFiles(_directory, "shift-tmux-kill-*.csv"));
        var rows = (await File.ReadAllLinesAsync(csv, Ct)).Skip(1).Select(row => row.Split(',')).ToList();
        Assert.Equal(ScansAfterKill + 1, rows.Count);
        Assert.All(rows, fields => Assert.Equal(("VALID", "online"), (fields[6], fields[8])));
        TestContext.Current.SendDiagnosticMessage(
            $"Console over 3 replica processes, the first SIGKILLed: {ScansAfterKill} scans after it, all VALID online; the last screen:\n{last}");
    }
}
