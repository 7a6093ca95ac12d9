using ELicense.Core.Rules;
using ELicense.V1;
using Xunit;

namespace ELicense.Server.Tests.Validation;

/// <summary>The default vehicle-type table and the file format that replaces it.</summary>
public sealed class VehicleTypeCatalogTests
{
    private static readonly VehicleTypeCatalog Catalog = VehicleTypeCatalog.Default;

    [Theory]
    [InlineData("K11", "大型普通客车", "A1", null, PlateSize.Large)]
    [InlineData("K21", "中型普通客车", "B1", null, PlateSize.Large)]
    [InlineData("K31", "小型普通客车", "C1", "C2", PlateSize.Small)]
    [InlineData("K33", "小型轿车", "C1", "C2", PlateSize.Small)]
    [InlineData("K41", "微型普通客车", "C1", "C2", PlateSize.Small)]
    [InlineData("H11", "重型普通货车", "B2", null, PlateSize.Large)]
    [InlineData("H21", "中型普通货车", "B2", null, PlateSize.Large)]
    [InlineData("H31", "轻型普通货车", "C1", null, PlateSize.Small)]
    [InlineData("H41", "微型普通货车", "C1", null, PlateSize.Small)]
    [InlineData("H51", "普通低速货车", "C3", null, PlateSize.Other)]
    [InlineData("Q11", "重型半挂牵引车", "A2", null, PlateSize.Large)]
    [InlineData("N11", "三轮汽车", "C4", null, PlateSize.Other)]
    [InlineData("M11", "普通正三轮摩托车", "D", null, PlateSize.Motorcycle)]
    [InlineData("M21", "普通二轮摩托车", "E", null, PlateSize.Motorcycle)]
    [InlineData("M22", "轻便二轮摩托车", "F", null, PlateSize.LightMotorcycle)]
    [InlineData("J11", "轮式装载机械", "M", null, PlateSize.Other)]
    [InlineData("D11", "无轨电车", "N", null, PlateSize.Other)]
    [InlineData("D12", "有轨电车", "P", null, PlateSize.Other)]
    public void Default_DomainTable_HasEachFamilyWithItsClass(string code, string nameZh, string required, string? automatic, PlateSize plate)
    {
        var type = Catalog.Find(code);

        Assert.NotNull(type);
        Assert.Equal((nameZh, required, automatic, plate), (type.NameZh, type.RequiredClass, type.AutomaticClass, type.Plate));
        Assert.False(string.IsNullOrWhiteSpace(type.NameEn));
    }

    [Fact]
    public void Default_OnlySmallAndMiniPassengerCars_HaveTheAutomaticClass()
    {
        Assert.All(Catalog.All, t => Assert.Equal(t.Family is "K3" or "K4" ? "C2" : null, t.AutomaticClass));
    }

    [Fact]
    public void Find_LowerCaseOrUnknownCode_IsNull()
    {
        Assert.Null(Catalog.Find("k33"));
        Assert.Null(Catalog.Find("Z99"));
        Assert.Null(Catalog.Find(""));
        Assert.Null(Catalog.Find(null));
    }

    [Fact]
    public void Parse_ReplacementTable_OverridesTheDefault()
    {
        // A deployment that registers city buses apart: A3 is enough for them, and K33 is not in its table.
        var custom = VehicleTypeCatalog.Parse(new StringReader("""
            # city buses apart
            K18|城市公交客车|city bus|K1|A3|-|large
            K11|大型普通客车|large bus|K1|A1|-|large
            """));

        Assert.Equal(["K18", "K11"], custom.All.Select(t => t.Code));
        Assert.True(VehicleEntitlement.Check("A3", "K18", custom).IsEntitled);
        Assert.True(VehicleEntitlement.Check("A1", "K18", custom).IsEntitled); // A1 ⊃ A3
        Assert.Equal(EntitlementReason.UnknownVehicleType, VehicleEntitlement.Check("C1", "K33", custom).Reason);
    }

    private const string Sedan = "K33|小型轿车|small sedan|K3|C1|C2|small";

    private const string Known = "(known: A1 A2 A3 B1 B2 C1 C2 C3 C4 C5 C6 D E F M N P)";

    [Theory]
    [InlineData("K33|小型轿车|small sedan|K3|C1|C2", "t.txt:1: expected 7 fields code|zh|en|family|class|automatic class or -|large, small, motorcycle, light-motorcycle or other, found 6.")]
    [InlineData("K33|小型轿车|small sedan|K3|C9|-|small", "t.txt:1: licence class 'C9' of K33 is not a licence class " + Known + ".")]
    [InlineData("K33|小型轿车|small sedan|K3|C1|Z|small", "t.txt:1: automatic class 'Z' of K33 is not a licence class " + Known + ".")]
    [InlineData("K33|小型轿车|small sedan|K3|C1|-|huge", "t.txt:1: plate size 'huge' of K33 is not one of large, small, motorcycle, light-motorcycle, other.")]
    [InlineData("K33|小型轿车|small sedan|K3|C1|-|1", "t.txt:1: plate size '1' of K33 is not one of large, small, motorcycle, light-motorcycle, other.")]
    [InlineData("K33|小型轿车|small sedan|K3|C1|-|large,other", "t.txt:1: plate size 'large,other' of K33 is not one of large, small, motorcycle, light-motorcycle, other.")]
    [InlineData("k33|小型轿车|small sedan|K3|C1|-|small", "t.txt:1: vehicle type code 'k33' is malformed: expected an upper-case letter and one or two digits, e.g. K33.")]
    [InlineData("K33||small sedan|K3|C1|-|small", "t.txt:1: vehicle type K33 needs a Chinese and an English name.")]
    [InlineData("K33|小型轿车| |K3|C1|-|small", "t.txt:1: vehicle type K33 needs a Chinese and an English name.")]
    [InlineData("K33|小型轿车|small sedan|H3|C1|-|small", "t.txt:1: family 'H3' of K33 must be a prefix of its code, e.g. K3 for K33.")]
    [InlineData("K33|小型轿车|small sedan||C1|-|small", "t.txt:1: family '' of K33 must be a prefix of its code, e.g. K3 for K33.")]
    [InlineData("# a comment\n" + Sedan + "\n\n" + Sedan, "t.txt:4: vehicle type code K33 is repeated (first at t.txt:2).")]
    [InlineData("# nothing but a comment\n   \n", "t.txt: a vehicle type catalogue needs at least one type.")]
    public void Parse_BadRow_ThrowsNamingSourceLineAndFault(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => VehicleTypeCatalog.Parse(new StringReader(text), "t.txt"));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_BlankAndWhitespaceOnlyLines_AreSkipped()
    {
        var catalog = VehicleTypeCatalog.Parse(new StringReader("\n   \n\t\n" + Sedan + "\n  \n"));

        Assert.Equal(["K33"], catalog.All.Select(t => t.Code));
    }

    [Theory]
    [InlineData("Large", PlateSize.Large)]
    [InlineData("small", PlateSize.Small)]
    [InlineData("Motorcycle", PlateSize.Motorcycle)]
    [InlineData("light-motorcycle", PlateSize.LightMotorcycle)]
    [InlineData("other", PlateSize.Other)]
    public void Parse_PlateSizeName_IsTheOnlyAcceptedSpelling(string name, PlateSize expected)
    {
        var catalog = VehicleTypeCatalog.Parse(new StringReader("K33|小型轿车|small sedan|K3|C1|C2|" + name));

        Assert.Equal(expected, catalog.All[0].Plate);
    }

    [Fact]
    public void Of_RepeatedEntry_ThrowsNamingBothEntries()
    {
        var sedan = VehicleTypeCatalog.Default.Find("K33")!;

        var error = Assert.Throws<FormatException>(() => VehicleTypeCatalog.Of([sedan, sedan]));

        Assert.Equal("vehicle types entry 2: vehicle type code K33 is repeated (first at vehicle types entry 1).", error.Message);
    }

    [Theory]
    [InlineData("K11", PlateType.Large, true)]
    [InlineData("K11", PlateType.LargeNewEnergy, true)]
    [InlineData("K11", PlateType.Small, false)]
    [InlineData("Q11", PlateType.Large, true)]
    [InlineData("K33", PlateType.SmallNewEnergy, true)]
    [InlineData("H31", PlateType.Small, true)]
    [InlineData("H11", PlateType.Small, false)]
    [InlineData("M21", PlateType.Small, false)]
    [InlineData("M21", PlateType.Motorcycle, true)]
    [InlineData("M11", PlateType.Motorcycle, true)]
    [InlineData("M21", PlateType.LightMotorcycle, false)]
    [InlineData("M22", PlateType.LightMotorcycle, true)]
    [InlineData("M12", PlateType.LightMotorcycle, true)]
    [InlineData("M22", PlateType.Motorcycle, false)]
    [InlineData("K33", PlateType.Motorcycle, false)]
    [InlineData("D11", PlateType.Large, false)]   // trolleybus: no contract plate type yet
    [InlineData("H51", PlateType.Small, false)]   // low-speed truck: likewise
    public void PlateFits_TypeAndPlate_MatchThePlateSize(string code, PlateType plate, bool fits)
    {
        Assert.Equal(fits, VehicleEntitlement.PlateFits(Catalog.Find(code), plate));
    }
}
