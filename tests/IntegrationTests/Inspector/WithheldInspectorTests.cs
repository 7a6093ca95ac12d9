using System.Text.Json;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>
/// The hostile tester's case end to end: a transfer system's inspector against a real server, for a licence
/// with 3 points and an unprocessed violation. Nothing it prints may turn "withheld" into a clean record.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class WithheldInspectorTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_AsTransfer_PrintsWithheldNotZeroPointsOrNone()
    {
        var payload = await LicenceWithPointsAsync();

        var run = await InspectorHarness.RunAsync("", TestCallers.Transfer, ["verify", payload, "--server", env.ServerA.Address.ToString()], Ct);

        Assert.Equal(0, run.Code);
        Assert.DoesNotContain("0/12", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("none", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Points\s+withheld for this role", run.Output);
        Assert.Matches(@"Unprocessed violations\s+withheld for this role", run.Output);
        Assert.Matches(@"Holder\s+withheld for this role", run.Output);
    }

    [Fact]
    public async Task VerifyJson_AsTransfer_ListsWithheldAndPrintsNoPoints()
    {
        var payload = await LicenceWithPointsAsync();

        var run = await InspectorHarness.RunAsync("", TestCallers.Transfer, ["verify", payload, "--json", "--server", env.ServerA.Address.ToString()], Ct);

        Assert.Equal(0, run.Code);
        using var json = JsonDocument.Parse(run.Output);
        var license = json.RootElement.GetProperty("license");
        Assert.False(license.TryGetProperty("points", out _), run.Output);
        Assert.False(license.TryGetProperty("holderName", out _), run.Output);
        Assert.False(json.RootElement.TryGetProperty("violations", out _), run.Output);
        var withheld = json.RootElement.GetProperty("withheldFields").GetString()!.Split(',');
        Assert.Contains("license.points", withheld);
        Assert.Contains("violations", withheld);
    }

    [Fact]
    public async Task VerifyJson_AsOfficer_PrintsThePoints()
    {
        var payload = await LicenceWithPointsAsync();

        var run = await InspectorHarness.RunAsync("", TestCallers.Officer, ["verify", payload, "--json", "--server", env.ServerA.Address.ToString()], Ct);

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(3, json.RootElement.GetProperty("license").GetProperty("points").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("withheldFields", out _), run.Output);
    }

    [Fact]
    public async Task VehicleAndTransfer_AsTransfer_OwnerShownMasked()
    {
        var vehicle = (await env.ServerA.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = TestData.NewVehicle() }, cancellationToken: Ct)).Vehicle;

        var check = await InspectorHarness.RunAsync("", TestCallers.Transfer, ["vehicle", "--vin", vehicle.Vin, "--server", env.ServerA.Address.ToString()], Ct);
        var transfer = await InspectorHarness.RunAsync("", TestCallers.Transfer, ["transfer", "--vin", vehicle.Vin, "--server", env.ServerA.Address.ToString()], Ct);

        Assert.Matches(@"Owner\s+测\*+ \(masked for this role\)", check.Output);
        Assert.Matches(@"Owner\s+测\*+ \(masked for this role\)", transfer.Output);
        Assert.DoesNotContain(vehicle.OwnerName, check.Output + transfer.Output, StringComparison.Ordinal);
        // The vehicle type is the vehicle's, not the owner's: shown to a transfer system as code + name.
        Assert.Matches(@"Vehicle type\s+K33 small sedan", check.Output);
        Assert.Matches(@"Vehicle type\s+K33 small sedan", transfer.Output);
    }

    private async Task<string> LicenceWithPointsAsync()
    {
        var draft = TestData.NewLicense();
        draft.Points = 3;
        var license = (await env.ServerA.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = draft }, cancellationToken: Ct)).License;
        await env.ServerA.Registry.RecordViolationAsync(new RecordViolationRequest
        {
            Violation = new Violation
            {
                OccurTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-3)),
                Place = "北京市东城区建国门内大街",
                Code = "1625",
                Description = "驾驶机动车违反道路交通信号灯通行",
                Points = 6,
                FineYuan = 200,
                Plate = TestData.NewPlate(),
                LicenseNumber = license.LicenseNumber,
                Source = ViolationSource.Camera,
            },
        }, cancellationToken: Ct);
        return await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
    }
}
