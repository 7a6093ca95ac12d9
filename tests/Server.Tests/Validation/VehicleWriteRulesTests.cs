using ELicense.Core.Rules;
using ELicense.Server.RegistryApi;
using ELicense.V1;
using Google.Rpc;
using Grpc.Core;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Validation;

/// <summary>What <see cref="WriteRules.ValidateVehicle"/> takes as a vehicle type.</summary>
public sealed class VehicleWriteRulesTests
{
    [Fact]
    public void ValidateVehicle_EmptyType_IsAccepted()
    {
        // An older writer's record (or a status update that keeps the stored type).
        var vehicle = Vehicle(PlateA, VinA);
        vehicle.VehicleType = "";

        WriteRules.ValidateVehicle(vehicle);
    }

    [Theory]
    [InlineData("k33")]
    [InlineData(" K33")]
    [InlineData("K33 ")]
    [InlineData("Z99")]
    public void ValidateVehicle_CodeNotExactlyInTheCatalogue_IsRefused(string code)
    {
        var vehicle = Vehicle(PlateA, VinA);
        vehicle.VehicleType = code;

        var violation = RefusedField(vehicle);

        Assert.Equal("must be empty or a GA 802 vehicle type code of the catalogue, e.g. K33, K31, H11, Q11 (" +
            VehicleTypeCatalog.Default.All.Count + " codes)", violation.Description);
    }

    [Theory]
    [InlineData(PlateType.Large, "京A12345")]
    [InlineData(PlateType.LargeNewEnergy, "粤B12345D")]
    [InlineData(PlateType.Small, "京A12345")]
    [InlineData(PlateType.SmallNewEnergy, "沪AD12345")]
    [InlineData(PlateType.Motorcycle, "京A12345")]
    [InlineData(PlateType.LightMotorcycle, "京A12345")]
    public void ValidateVehicle_TrolleybusType_IsRefusedOnEveryPlateType(PlateType plateType, string number)
    {
        var vehicle = Vehicle(new Plate { Type = plateType, Number = number }, VinA);
        vehicle.VehicleType = "D11";

        var violation = RefusedField(vehicle);

        Assert.Equal(VehicleTypeCatalog.Default.Find("D11")!.Display +
            " is registered under a plate type the contract has no value for yet (low-speed, trolleybus, tram…)", violation.Description);
    }

    [Theory]
    [InlineData("M21", PlateType.Motorcycle)]
    [InlineData("M11", PlateType.Motorcycle)]
    [InlineData("M22", PlateType.LightMotorcycle)]
    public void ValidateVehicle_MotorcycleOnItsMotorcyclePlate_IsAccepted(string code, PlateType plateType)
    {
        var vehicle = Vehicle(new Plate { Type = plateType, Number = "京A12345" }, VinA);
        vehicle.VehicleType = code;

        WriteRules.ValidateVehicle(vehicle);
    }

    [Theory]
    [InlineData("H11", PlateType.Small, "京A12345", "is registered under a large plate (01 or 51), not 02")]
    [InlineData("K33", PlateType.Large, "京A12345", "is registered under a small plate (02 or 52), not 01")]
    [InlineData("M21", PlateType.Small, "京A12345", "is registered under a motorcycle plate (07), not 02")]
    [InlineData("M22", PlateType.Motorcycle, "京A12345", "is registered under a light motorcycle plate (08), not 07")]
    [InlineData("K33", PlateType.Motorcycle, "京A12345", "is registered under a small plate (02 or 52), not 07")]
    public void ValidateVehicle_TypeOnTheOtherPlateSize_IsRefusedNamingBoth(string code, PlateType plateType, string number, string expected)
    {
        var vehicle = Vehicle(new Plate { Type = plateType, Number = number }, VinA);
        vehicle.VehicleType = code;

        Assert.Equal(VehicleTypeCatalog.Default.Find(code)!.Display + " " + expected, RefusedField(vehicle).Description);
    }

    private static BadRequest.Types.FieldViolation RefusedField(Vehicle vehicle)
    {
        var error = Assert.Throws<RpcException>(() => WriteRules.ValidateVehicle(vehicle));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("vehicle.vehicle_type", violation.Field);
        return violation;
    }
}
