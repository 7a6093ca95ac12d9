using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.V1;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>The checks by plate: one path for the vehicle and the transfer check, online only.</summary>
public sealed class LookupsTests
{
    private static readonly Plate Plate = new() { Number = "京A12345", Type = PlateType.Small };

    private readonly FakeBackend _backend = new();
    private readonly HandheldContext _context = new(
        new HandheldOptions("wang", "hh-1", new Uri("http://127.0.0.1:5080"), TimeSpan.FromSeconds(5), false, "/nonexistent", TimeSpan.FromSeconds(10), "/nonexistent"),
        new HandheldState("wang", "hh-1", "http://127.0.0.1:5080/"),
        UiText.English,
        Samples.Clock());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Lookups Create() => new(_context, new Connectivity(_context, _backend), new ShiftLog(_context));

    [Theory]
    [InlineData(CheckKind.Vehicle)]
    [InlineData(CheckKind.Transfer)]
    public async Task PlateCheck_ServerUnreachable_SaysItNeedsTheConnectionAndLogsNothing(CheckKind kind)
    {
        _backend.Reachable = false;

        await Check(Create(), kind);

        Assert.Equal(ConnectionState.Offline, _context.State.Connection);
        Assert.Null(_context.State.CurrentPlate);
        Assert.Null(_context.State.Detail);
        Assert.Empty(_context.State.History);
        Assert.Equal(UiText.English.NeedsConnection, _context.State.Message!.Value.Text);
    }

    [Fact]
    public async Task Vehicle_StolenAndUninsured_IsLoggedRedWithItsStatuses()
    {
        _backend.Vehicle = plate => new CheckVehicleResponse
        {
            Vehicle = new Vehicle { Plate = plate, Statuses = { VehicleStatus.Stolen, VehicleStatus.Normal } },
            StatusNormal = false,
            InspectionValid = true,
            InsuranceValid = false,
            Freshness = Samples.Fresh(),
        };

        await Create().VehicleAsync(Plate, Ct);

        var entry = Assert.Single(_context.State.History);
        Assert.Equal((CheckKind.Vehicle, "京A12345 02", "VEHICLE_NOT_OK", "STOLEN", Tone.Red),
            (entry.Kind, entry.Subject, entry.ResultCode, entry.Reasons, entry.Tone));
        Assert.Equal(UiText.English.VehicleNotOk, entry.Result);
        Assert.IsType<Detail.Vehicle>(_context.State.Detail);
        Assert.Equal(Plate, _context.State.CurrentPlate);
    }

    [Fact]
    public async Task Vehicle_AllInOrderButStale_IsNotOk()
    {
        _backend.Vehicle = plate => new CheckVehicleResponse
        {
            Vehicle = new Vehicle { Plate = plate },
            StatusNormal = true,
            InspectionValid = true,
            InsuranceValid = true,
            Freshness = new Freshness { Stale = true },
        };

        await Create().VehicleAsync(Plate, Ct);

        Assert.Equal("VEHICLE_NOT_OK", Assert.Single(_context.State.History).ResultCode);
    }

    [Fact]
    public async Task Transfer_Blocked_IsLoggedRedWithEveryReason()
    {
        _backend.Transfer = plate => new CheckTransferEligibilityResponse
        {
            Eligible = false,
            Vehicle = new Vehicle { Plate = plate },
            Blocks =
            {
                new TransferBlock { Reason = TransferBlockReason.UnprocessedViolations },
                new TransferBlock { Reason = TransferBlockReason.Mortgaged },
            },
        };

        await Create().TransferAsync(Plate, Ct);

        var entry = Assert.Single(_context.State.History);
        Assert.Equal((CheckKind.Transfer, "京A12345 02", "NOT_ELIGIBLE", "UNPROCESSED_VIOLATIONS MORTGAGED", Tone.Red),
            (entry.Kind, entry.Subject, entry.ResultCode, entry.Reasons, entry.Tone));
        Assert.IsType<Detail.Transfer>(_context.State.Detail);
        Assert.Equal(Plate, _context.State.CurrentPlate);
    }

    [Fact]
    public async Task Transfer_Eligible_IsLoggedGreen()
    {
        await Create().TransferAsync(Plate, Ct);

        var entry = Assert.Single(_context.State.History);
        Assert.Equal(("ELIGIBLE", string.Empty, Tone.Green), (entry.ResultCode, entry.Reasons, entry.Tone));
        Assert.Equal(UiText.English.Eligible, entry.Result);
    }

    private static Task Check(Lookups lookups, CheckKind kind) =>
        kind == CheckKind.Vehicle ? lookups.VehicleAsync(Plate, Ct) : lookups.TransferAsync(Plate, Ct);
}
