using ELicense.Inspector.Handheld;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests.Handheld;

/// <summary>The vehicle type on both vehicle cards: the console's (both languages) and the one-shot command's.</summary>
public sealed class VehicleTypeViewTests
{
    private static CheckVehicleResponse Response(string vehicleType, params string[] withheld)
    {
        var response = new CheckVehicleResponse
        {
            Vehicle = new Vehicle { Plate = new Plate { Number = "京A12345", Type = PlateType.Large }, Model = "解放 J6P 牵引车", VehicleType = vehicleType },
            StatusNormal = true,
            InspectionValid = true,
            InsuranceValid = true,
            Freshness = Samples.Fresh(),
        };
        if (withheld.Length > 0)
        {
            response.WithheldFields = new FieldMask { Paths = { withheld } };
        }

        return response;
    }

    private static string Console(Detail detail, Language language)
    {
        var console = new TestConsole().Width(140).Height(48);
        console.Write(DetailViews.Build(detail, UiText.For(language), Samples.Clock()));
        return console.Output;
    }

    private static string Command(CheckVehicleResponse response)
    {
        var console = new TestConsole().Width(160);
        VehicleView.Render(console, response, Samples.Clock());
        return console.Output;
    }

    [Theory]
    [InlineData(Language.English, @"Vehicle type\s+Q11 heavy semi-trailer tractor")]
    [InlineData(Language.Chinese, @"车辆类型\s+Q11 重型半挂牵引车")]
    public void VehicleCard_WithType_ShowsCodeAndName(Language language, string expected)
    {
        Assert.Matches(expected, Console(new Detail.Vehicle(Response("Q11")), language));
        Assert.Matches(expected, Console(new Detail.Transfer(new CheckTransferEligibilityResponse { Eligible = true, Vehicle = Response("Q11").Vehicle }), language));
    }

    [Theory]
    [InlineData(Language.English, "", @"Vehicle type\s+not recorded")]
    [InlineData(Language.Chinese, "", @"车辆类型\s+未登记")]
    [InlineData(Language.English, "Z77", @"Vehicle type\s+Z77 \(not in this device's table\)")]
    public void VehicleCard_NoOrUnknownType_SaysSoInsteadOfGuessing(Language language, string code, string expected)
    {
        Assert.Matches(expected, Console(new Detail.Vehicle(Response(code)), language));
    }

    [Fact]
    public void VehicleCard_TypeWithheld_ShowsWithheldNotNotRecorded()
    {
        var output = Console(new Detail.Vehicle(Response("", "vehicle.vehicle_type")), Language.English);

        Assert.Matches(@"Vehicle type\s+withheld for this role", output);
        Assert.DoesNotContain("not recorded", output, StringComparison.Ordinal);
    }

    [Fact]
    public void VehicleView_WithTypeOrWithheld_ShowsCodeAndNameOrWithheld()
    {
        Assert.Matches(@"Vehicle type\s+Q11 heavy semi-trailer tractor", Command(Response("Q11")));
        Assert.Matches(@"Vehicle type\s+withheld for this role", Command(Response("", "vehicle.vehicle_type")));
    }
}
