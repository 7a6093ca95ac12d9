using ELicense.V1;
using CsCheck;
using ELicense.Core.Rules;
using Xunit;

namespace ELicense.Server.Tests.Validation;

/// <summary>The class inclusions (准驾车型 includes) against domain.md's table, and the entitlement record's reasons.</summary>
public sealed class LicenseClassInclusionTests
{
    // domain.md: A1 ⊃ A3 B1 B2 C1 C2 C3 C4 M; A2 ⊃ B1 B2 C1 C2 C3 C4 C6 M; A3 ⊃ C1 C2 C3 C4; B1, B2 ⊃ C1 C2 C3 C4 M;
    // C1 ⊃ C2 C3 C4; C3 ⊃ C4; D ⊃ E F; E ⊃ F. Every other class includes only itself.
    private static readonly Dictionary<string, string> Domain = new(StringComparer.Ordinal)
    {
        ["A1"] = "A1 A3 B1 B2 C1 C2 C3 C4 M",
        ["A2"] = "A2 B1 B2 C1 C2 C3 C4 C6 M",
        ["A3"] = "A3 C1 C2 C3 C4",
        ["B1"] = "B1 C1 C2 C3 C4 M",
        ["B2"] = "B2 C1 C2 C3 C4 M",
        ["C1"] = "C1 C2 C3 C4",
        ["C2"] = "C2",
        ["C3"] = "C3 C4",
        ["C4"] = "C4",
        ["C5"] = "C5",
        ["C6"] = "C6",
        ["D"] = "D E F",
        ["E"] = "E F",
        ["F"] = "F",
        ["M"] = "M",
        ["N"] = "N",
        ["P"] = "P",
    };

    public static TheoryData<string, string> DomainTable()
    {
        var data = new TheoryData<string, string>();
        foreach (var (licenseClass, entitled) in Domain)
        {
            data.Add(licenseClass, entitled);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DomainTable))]
    public void Entitled_EachClass_IsItselfAndExactlyWhatDomainSaysItIncludes(string licenseClass, string expected)
    {
        Assert.Equal(expected.Split(' ').Order(StringComparer.Ordinal), LicenseClasses.Entitled(licenseClass).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Entitled_Table_CoversEveryClass()
    {
        Assert.Equal(LicenseClasses.All.Order(StringComparer.Ordinal), Domain.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Entitled_AnyClassString_IsClosedUnderInclusion()
    {
        // For every y in Entitled(x), Entitled(y) ⊆ Entitled(x): a class never entitles to less than one it includes.
        var genClasses = Gen.Int[0, LicenseClasses.All.Count - 1].Array[1, 3]
            .Select(ix => string.Concat(ix.Distinct().Select(i => LicenseClasses.All[i])));
        genClasses.Sample(x =>
        {
            var held = LicenseClasses.Entitled(x);
            return held.Count > 0 && held.All(y => LicenseClasses.Entitled(y).IsSubsetOf(held));
        });
    }

    [Theory]
    [InlineData(EntitlementReason.Entitled, "ENTITLED")]
    [InlineData(EntitlementReason.UnknownVehicleType, "UNKNOWN_VEHICLE_TYPE")]
    [InlineData(EntitlementReason.NoLicenseClass, "NO_LICENSE_CLASS")]
    [InlineData(EntitlementReason.ClassDoesNotCoverVehicle, "CLASS_DOES_NOT_COVER_VEHICLE")]
    [InlineData(EntitlementReason.AutomaticOnly, "AUTOMATIC_ONLY")]
    public void Entitlement_EachReason_HasItsCodeAMessageAndIsEntitledOnlyForEntitled(EntitlementReason reason, string code)
    {
        var entitlement = new Entitlement(reason, VehicleTypeCatalog.Default.Find("K33"), ["C1", "C2"], LicenseClasses.Entitled("C2"));

        Assert.Equal(code, entitlement.ReasonCode);
        Assert.False(string.IsNullOrWhiteSpace(entitlement.Message));
        Assert.Equal(reason == EntitlementReason.Entitled, entitlement.IsEntitled);
    }

    [Fact]
    public void Entitlement_UnknownReason_ThrowsInsteadOfNamingAnother()
    {
        var entitlement = new Entitlement((EntitlementReason)99, VehicleTypeCatalog.Default.Find("K33"), ["C1"], LicenseClasses.Entitled("C1"));

        Assert.Throws<InvalidOperationException>(() => entitlement.ReasonCode);
        Assert.Throws<InvalidOperationException>(() => entitlement.Message);
        Assert.False(entitlement.IsEntitled);
    }
}
