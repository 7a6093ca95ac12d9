using ELicense.Core.Rules;
using ELicense.V1;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>The roadside answer put together: entitlement in the contract's words, may-drive and its sentence.</summary>
public sealed class RoadsideRulesTests
{
    private static readonly DriveEntitlement Entitled = RoadsideRules.Entitlement("C1", "K33", VehicleTypeCatalog.Default);

    [Fact]
    public void MayDrive_OnlyAllThreePositive_IsTrue()
    {
        var entitlements = new[] { Entitled, RoadsideRules.Entitlement("C1", "K11", VehicleTypeCatalog.Default), RoadsideRules.NotDetermined("no licence") };
        foreach (var license in Enum.GetValues<Verdict>())
        {
            foreach (var vehicle in Enum.GetValues<VehicleVerdict>())
            {
                foreach (var entitlement in entitlements)
                {
                    var expected = license == Verdict.Valid && vehicle == VehicleVerdict.Valid && entitlement.Reason == EntitlementReason.Entitled;
                    Assert.Equal(expected, RoadsideRules.MayDrive(license, vehicle, entitlement));
                    Assert.Equal(expected, RoadsideRules.Explain(license, vehicle, entitlement).StartsWith("May drive", StringComparison.Ordinal));
                }
            }
        }
    }

    [Fact]
    public void Explain_EveryStoppingPart_IsNamed()
    {
        var notEntitled = RoadsideRules.Entitlement("C1", "K11", VehicleTypeCatalog.Default);

        var sentence = RoadsideRules.Explain(Verdict.CredentialExpired, VehicleVerdict.MarkNotYetValid, notEntitled);

        Assert.StartsWith("May not drive: ", sentence, StringComparison.Ordinal);
        Assert.Contains("licence credential expired", sentence, StringComparison.Ordinal);
        Assert.Contains("vehicle mark not yet valid", sentence, StringComparison.Ordinal);
        Assert.Contains(notEntitled.Message, sentence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Verdict.Valid, VehicleVerdict.NotValid, "vehicle not valid")]
    [InlineData(Verdict.LicenseNotValid, VehicleVerdict.Valid, "licence license not valid")]
    [InlineData(Verdict.Valid, VehicleVerdict.StatusUnavailable, "vehicle status unavailable")]
    public void Explain_OnePartStops_NamesOnlyThatPart(Verdict license, VehicleVerdict vehicle, string expected)
    {
        var sentence = RoadsideRules.Explain(license, vehicle, Entitled);

        Assert.Equal($"May not drive: {expected}.", sentence);
    }

    [Fact]
    public void Explain_OnlyEntitlementStops_IsItsMessage()
    {
        var undetermined = RoadsideRules.NotDetermined("the licence could not be verified");

        Assert.Equal("May not drive: Entitlement not determined: the licence could not be verified.", RoadsideRules.Explain(Verdict.Valid, VehicleVerdict.Valid, undetermined));
    }

    [Theory]
    [InlineData("C1", "K33", EntitlementReason.Entitled)]
    [InlineData("C1", "K11", EntitlementReason.ClassDoesNotCoverVehicle)]
    [InlineData("C2", "K33", EntitlementReason.AutomaticOnly)]
    [InlineData("", "K33", EntitlementReason.NoLicenseClass)]
    [InlineData("C1", "Z99", EntitlementReason.UnknownVehicleType)]
    [InlineData("C1", null, EntitlementReason.UnknownVehicleType)]
    public void Entitlement_EveryCoreReason_IsTheContractsWithItsParts(string? licenseClass, string? vehicleType, EntitlementReason expected)
    {
        var entitlement = RoadsideRules.Entitlement(licenseClass, vehicleType, VehicleTypeCatalog.Default);
        var core = VehicleEntitlement.Check(licenseClass, vehicleType, VehicleTypeCatalog.Default);

        Assert.Equal(expected, entitlement.Reason);
        Assert.Equal(core.Message, entitlement.Message);
        Assert.Equal(core.NeededClasses, entitlement.RequiredClasses);
        Assert.Equal(vehicleType ?? "", entitlement.VehicleType);
        Assert.Equal(licenseClass ?? "", entitlement.LicenseClass);
        Assert.Equal(core.VehicleType?.NameZh ?? "", entitlement.VehicleTypeName);
    }

    [Fact]
    public void Entitlement_CoversEveryContractReasonButNotDetermined()
    {
        // Every reason Core's rule can give has a case above; NOT_DETERMINED is the roadside call's own.
        var covered = new[] { EntitlementReason.Entitled, EntitlementReason.ClassDoesNotCoverVehicle, EntitlementReason.AutomaticOnly, EntitlementReason.NoLicenseClass, EntitlementReason.UnknownVehicleType };

        Assert.Equal(Enum.GetValues<EntitlementReason>().Except([EntitlementReason.Unspecified, EntitlementReason.NotDetermined]).Order(), covered.Order());
    }

    [Fact]
    public void NotDetermined_SaysWhyAndNamesNothing()
    {
        var entitlement = RoadsideRules.NotDetermined("the vehicle was not found");

        Assert.Equal(EntitlementReason.NotDetermined, entitlement.Reason);
        Assert.Equal("Entitlement not determined: the vehicle was not found", entitlement.Message);
        Assert.Empty(entitlement.RequiredClasses);
        Assert.Equal("", entitlement.VehicleType);
        Assert.False(RoadsideRules.MayDrive(Verdict.Valid, VehicleVerdict.Valid, entitlement));
    }
}
