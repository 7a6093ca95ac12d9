using ELicense.Core.Rules;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.RegistryApi;
using Xunit;

namespace ELicense.Server.Tests.Registry.Seeding;

/// <summary>The seed's vehicle types: valid writes, fitting their plates, in the shares SyntheticTables states.</summary>
public sealed class SyntheticVehicleTypeTests
{
    private const int Count = 20_000;
    private static readonly DateOnly Today = new(2026, 11, 25);

    [Fact]
    public void Vehicles_TwentyThousand_EveryTypeKnownFitsItsPlateAndPassesTheWriteRules()
    {
        for (var i = 0; i < Count; i++)
        {
            var vehicle = SyntheticRegistry.Vehicle(SyntheticRegistry.DefaultSeed, i, Count, Today);
            var type = VehicleTypeCatalog.Default.Find(vehicle.VehicleType);

            Assert.NotNull(type);
            Assert.True(VehicleEntitlement.PlateFits(type, vehicle.Plate.Type), $"{vehicle.VehicleType} on {vehicle.Plate.Type}");
            if (i < 500)
            {
                WriteRules.ValidateVehicle(vehicle); // throws on any bad field
            }
        }
    }

    [Fact]
    public void Vehicles_TwentyThousand_MostlySmallCarsWithSomeTrucksBusesAndTractors()
    {
        var byFamily = Enumerable.Range(0, Count)
            .Select(i => VehicleTypeCatalog.Default.Find(SyntheticRegistry.Vehicle(SyntheticRegistry.DefaultSeed, i, Count, Today).VehicleType)!)
            .GroupBy(t => t.Code == "K33" ? "K33" : t.Family)
            .ToDictionary(g => g.Key, g => g.Count() * 100.0 / Count);

        // The stated shares (SyntheticTables.Models), with room for sampling noise at 20 000 draws.
        Assert.InRange(byFamily["K33"], 53, 61);
        Assert.InRange(byFamily["K3"], 21, 29); // K31, K32
        Assert.InRange(byFamily.GetValueOrDefault("H3") + byFamily.GetValueOrDefault("H4"), 6, 10);
        Assert.InRange(byFamily.GetValueOrDefault("H1") + byFamily.GetValueOrDefault("H2"), 2, 4);
        Assert.InRange(byFamily["Q"], 1, 3);
        Assert.InRange(byFamily.GetValueOrDefault("K1") + byFamily.GetValueOrDefault("K2"), 2.5, 4.5);
    }
}
