using ELicense.V1;
using CsCheck;
using ELicense.Core.Rules;
using Xunit;

namespace ELicense.Server.Tests.Validation;

/// <summary>The class-versus-vehicle rule over the default catalogue: a table of cases, then properties.</summary>
public sealed class VehicleEntitlementTests
{
    private static readonly VehicleTypeCatalog Catalog = VehicleTypeCatalog.Default;

    private static readonly Gen<string> GenClass = Gen.Int[0, LicenseClasses.All.Count - 1].Select(i => LicenseClasses.All[i]);

    private static readonly Gen<VehicleType> GenType = Gen.Int[0, Catalog.All.Count - 1].Select(i => Catalog.All[i]);

    private static readonly Gen<Transmission> GenTransmission = Gen.Enum<Transmission>();

    [Theory]
    [InlineData("C1", "K33", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("C2", "K33", Transmission.Automatic, EntitlementReason.Entitled)]
    [InlineData("C2", "K33", Transmission.Unknown, EntitlementReason.AutomaticOnly)]
    [InlineData("C2", "K41", Transmission.Manual, EntitlementReason.AutomaticOnly)]
    [InlineData("C2", "H31", Transmission.Automatic, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("C1", "H31", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("C1", "H11", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("C1E", "H21", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("B2", "H11", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("A2", "H17", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("A2", "Q11", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("A1", "Q11", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("B2", "Q11", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("A1", "K11", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("A3", "K11", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("A2", "K11", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("B1", "K21", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("B2", "K21", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("C3", "H51", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("C1", "H51", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("C3", "N11", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("C4", "H51", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("C1E", "M21", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("D", "M22", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("E", "M11", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("F", "M12", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("A1", "J11", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("C1", "J11", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("N", "D11", Transmission.Unknown, EntitlementReason.Entitled)]
    [InlineData("A1", "D12", Transmission.Unknown, EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("C1", "", Transmission.Unknown, EntitlementReason.UnknownVehicleType)]
    [InlineData("C1", "X99", Transmission.Unknown, EntitlementReason.UnknownVehicleType)]
    [InlineData("C1", "k33", Transmission.Unknown, EntitlementReason.UnknownVehicleType)]
    [InlineData("", "K33", Transmission.Unknown, EntitlementReason.NoLicenseClass)]
    [InlineData("C7", "K33", Transmission.Unknown, EntitlementReason.NoLicenseClass)]
    public void Check_Table_GivesTheNamedReason(string licenseClass, string code, Transmission transmission, EntitlementReason expected)
    {
        var result = VehicleEntitlement.Check(licenseClass, code, Catalog, transmission);

        Assert.Equal(expected, result.Reason);
        Assert.Equal(expected == EntitlementReason.Entitled, result.IsEntitled);
    }

    [Fact]
    public void Check_NotCovered_NamesNeededAndHeldClasses()
    {
        var result = VehicleEntitlement.Check("C1E", "H11", Catalog);

        Assert.Equal("CLASS_DOES_NOT_COVER_VEHICLE", result.ReasonCode);
        Assert.Equal(["B2"], result.NeededClasses);
        Assert.Equal(["C1", "C2", "C3", "C4", "E", "F"], result.HeldClasses);
        Assert.Equal("H11 重型普通货车 / heavy truck needs B2; the licence covers C1 C2 C3 C4 E F.", result.Message);
    }

    [Fact]
    public void Check_AutomaticOnly_NamesBothClasses()
    {
        var result = VehicleEntitlement.Check("C2", "K33", Catalog);

        Assert.Equal("AUTOMATIC_ONLY", result.ReasonCode);
        Assert.Equal(["C1", "C2"], result.NeededClasses);
        Assert.Contains("only with an automatic transmission", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HigherClass_EntitlesEveryVehicleALowerOneIncludedInItDoes()
    {
        Gen.Select(GenClass, GenClass, GenType, GenTransmission).Sample((higher, lower, type, transmission) =>
            !LicenseClasses.Entitled(higher).Contains(lower)
            || !VehicleEntitlement.Check(lower, type.Code, Catalog, transmission).IsEntitled
            || VehicleEntitlement.Check(higher, type.Code, Catalog, transmission).IsEntitled);
    }

    [Fact]
    public void Check_AddingAClass_NeverTakesAnEntitlementAway()
    {
        Gen.Select(GenClass, GenClass, GenType, GenTransmission).Sample((first, second, type, transmission) =>
            first == second
            || !VehicleEntitlement.Check(first, type.Code, Catalog, transmission).IsEntitled
            || VehicleEntitlement.Check(first + second, type.Code, Catalog, transmission).IsEntitled);
    }

    [Fact]
    public void Check_AnyClassAndType_EntitledExactlyWhenTheExpandedClassesHoldTheNeededOne()
    {
        Gen.Select(GenClass, GenType, GenTransmission).Sample((licenseClass, type, transmission) =>
        {
            var held = LicenseClasses.Entitled(licenseClass);
            var expected = held.Contains(type.RequiredClass)
                || (transmission == Transmission.Automatic && type.AutomaticClass is { } automatic && held.Contains(automatic));
            return VehicleEntitlement.Check(licenseClass, type.Code, Catalog, transmission).IsEntitled == expected;
        });
    }

    [Fact]
    public void Check_CodeOutsideTheCatalogue_IsNeverEntitled()
    {
        Gen.Select(GenClass, Gen.String[Gen.Char.AlphaNumeric, 0, 4]).Sample((licenseClass, code) =>
            Catalog.Find(code) is not null
            || VehicleEntitlement.Check(licenseClass, code, Catalog, Transmission.Automatic).Reason == EntitlementReason.UnknownVehicleType);
    }
}
