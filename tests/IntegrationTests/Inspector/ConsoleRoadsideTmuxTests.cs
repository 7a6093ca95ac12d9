using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// The roadside pair end to end in the real console (<see cref="TmuxConsole"/>): the licence and the inspection
/// mark scanned in either order give one card with the match; with the server stopped, the same card is computed
/// on the handheld and labelled offline. Every wait is bounded by <see cref="TmuxConsole.ScreenBound"/>.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class ConsoleRoadsideTmuxTests(SharedEnvironment env) : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-tmux-roadside-").FullName;
    private TmuxConsole? _console;
    private ServerInstance? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _console?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Console_LicenceThenMarkOfAHeavyTruck_OneCardMayNotDriveNeedsB2()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var mark = await MarkAsync(env.ServerA, "H11", PlateType.Large);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);

        _console = TmuxConsole.Start(_directory, [env.ServerA.Address], device: "tmux-roadside-1", officer: "e2e");
        await _console.ScreenShowsAsync("● ONLINE");
        _console.TypeLine(payload);
        await _console.ScreenShowsAsync("✔  VALID", "next: scan the inspection mark");
        _console.TypeLine(mark);

        var screen = await _console.ScreenShowsAsync("✘  MAY NOT DRIVE", "needs B2, holds C1 C2 C3", "H11 heavy truck", license.HolderName);
        // The pair's second look at the licence code is this console's own: no "already checked" caution.
        Assert.DoesNotContain("already checked", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("OFFLINE", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_MarkThenLicence_MarkCardThenOneCardMayDrive()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var mark = await MarkAsync(env.ServerA, "K33", PlateType.Small);
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);

        _console = TmuxConsole.Start(_directory, [env.ServerA.Address], device: "tmux-roadside-2", officer: "e2e");
        await _console.ScreenShowsAsync("● ONLINE");
        _console.TypeLine(mark);
        await _console.ScreenShowsAsync("VEHICLE OK", "next: scan the driver's licence");
        _console.TypeLine(payload);

        await _console.ScreenShowsAsync("✔  MAY DRIVE", "licence class entitles", "K33 small sedan", license.HolderName);
    }

    [Fact]
    public async Task Console_ServerStoppedBeforeThePair_SameCardComputedOfflineAndLabelled()
    {
        var data = Directory.CreateDirectory(Path.Combine(_directory, "server")).FullName;
        _server = await ServerInstance.StartAsync(data, env.Redis.Configuration, ["--urls", $"http://127.0.0.1:{RedisServer.FreePort()}"]);
        var license = await TestData.CreateLicenseAsync(_server);
        var mark = await MarkAsync(_server, "K33", PlateType.Small);
        var payload = await TestData.IssueAsync(_server, license.LicenseNumber);
        _console = TmuxConsole.Start(_directory, [_server.Address], device: "tmux-roadside-3", officer: "e2e");
        // Online once: the console fetches and caches the issuer keys and both document policies.
        await _console.ScreenShowsAsync("● ONLINE");

        await _server.DisposeAsync();
        _server = null;
        _console.TypeLine(payload);
        await _console.ScreenShowsAsync("VALID — OFFLINE");
        _console.TypeLine(mark);

        await _console.ScreenShowsAsync("MAY DRIVE — OFFLINE", "licence class entitles", "OFFLINE: both codes' signatures and validity checked here");
    }

    private static async Task<string> MarkAsync(ServerInstance server, string vehicleType, PlateType plateType)
    {
        var plate = TestData.NewPlate();
        plate.Type = plateType;
        var vehicle = TestData.NewVehicle(plate);
        vehicle.VehicleType = vehicleType;
        // A mark lives until the inspection ends, and no longer than the verifiers accept (823 days by default).
        var until = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddYears(1);
        vehicle.InspectionValidUntilDate = new Google.Type.Date { Year = until.Year, Month = until.Month, Day = until.Day };
        await server.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = vehicle }, cancellationToken: Ct);
        return (await server.Registry.IssueInspectionMarkAsync(new IssueInspectionMarkRequest { Plate = plate }, cancellationToken: Ct)).QrPayload;
    }
}
