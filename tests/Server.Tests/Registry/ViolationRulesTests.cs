using ELicense.Core.Rules;
using ELicense.Server.Registry;
using ELicense.Server.Validation;
using ELicense.V1;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry;

/// <summary>The violation state machine and the points rule (Core), and the resolution the stores run them through.</summary>
public sealed class ViolationRulesTests
{
    [Theory]
    [InlineData(ViolationState.Unprocessed, ViolationState.Processed, true)]
    [InlineData(ViolationState.Unprocessed, ViolationState.Paid, true)]
    [InlineData(ViolationState.Processed, ViolationState.Paid, true)]
    [InlineData(ViolationState.Processed, ViolationState.Processed, false)]
    [InlineData(ViolationState.Paid, ViolationState.Paid, false)]
    [InlineData(ViolationState.Paid, ViolationState.Processed, false)]
    [InlineData(ViolationState.Unprocessed, ViolationState.Unprocessed, false)]
    [InlineData(ViolationState.Unspecified, ViolationState.Processed, false)]
    public void CanMove_StatePairs_FollowTheStateMachine(ViolationState from, ViolationState to, bool allowed)
    {
        Assert.Equal(allowed, ViolationRules.CanMove(from, to));
    }

    [Theory]
    [InlineData(ViolationState.Unprocessed, "A", "B", "B", true)]
    [InlineData(ViolationState.Unprocessed, "A", "", "A", true)]
    [InlineData(ViolationState.Unprocessed, "", "B", "B", true)]
    [InlineData(ViolationState.Processed, "A", "B", "A", false)]
    [InlineData(ViolationState.Processed, "", "B", "B", false)]
    public void Decide_Allowed_AttributesAndAddsPointsOnlyOnFirstResolution(ViolationState from, string recorded, string given,
        string expected, bool addsPoints)
    {
        var to = from == ViolationState.Processed ? ViolationState.Paid : ViolationState.Processed;

        var decision = ViolationRules.Decide(from, to, recorded, given);

        Assert.True(decision.Allowed);
        Assert.Equal(expected, decision.AttributedTo);
        Assert.Equal(addsPoints, decision.AddsPoints);
    }

    [Fact]
    public void Decide_NoLicenceAnywhereOrAlreadyResolved_Refuses()
    {
        Assert.Equal(ViolationRefusal.LicenseRequired, ViolationRules.Decide(ViolationState.Unprocessed, ViolationState.Paid, null, "").Refusal);
        Assert.Equal(ViolationRefusal.AlreadyResolved, ViolationRules.Decide(ViolationState.Paid, ViolationState.Paid, "A", "A").Refusal);
        Assert.Null(ViolationRules.Decide(ViolationState.Paid, ViolationState.Paid, "A", "A").AttributedTo);
    }

    [Theory]
    [InlineData(LicenseStatus.Normal, 11, LicenseStatus.Normal)]
    [InlineData(LicenseStatus.Normal, 12, LicenseStatus.PointsExceeded)]
    [InlineData(LicenseStatus.Normal, 17, LicenseStatus.PointsExceeded)]
    [InlineData(LicenseStatus.Suspended, 17, LicenseStatus.Suspended)]
    [InlineData(LicenseStatus.Revoked, 12, LicenseStatus.Revoked)]
    public void StatusWithPoints_AtOrOverTheLimit_ExceedsOnlyANormalLicence(LicenseStatus status, int points, LicenseStatus expected)
    {
        Assert.Equal(expected, ViolationRules.StatusWithPoints(status, points));
        Assert.Equal(12, LicenseRules.PointsLimit);
    }

    [Fact]
    public void Resolution_UnprocessedToProcessed_AddsPointsAndExceedsAtTwelve()
    {
        var resolution = new ViolationResolution(ViolationState.Processed, HolderA);
        var violation = Violation(PlateA, Start, points: 3);
        violation.ViolationId = "V0000000001";

        Assert.Equal(HolderA, resolution.Attribute(violation));
        Assert.Equal(new LicenseStanding(12, LicenseStatus.PointsExceeded), resolution.Standing(violation, License(HolderA, points: 9)));
    }

    [Fact]
    public void Resolution_Refusals_CarryTheWireReasons()
    {
        var paid = Violation(PlateA, Start, license: HolderA, state: ViolationState.Paid);
        var unattributed = Violation(PlateA, Start);

        Assert.Equal(RegistryRuleReasons.ViolationAlreadyResolved,
            Assert.Throws<RegistryRuleException>(() => new ViolationResolution(ViolationState.Paid, "").Attribute(paid)).Reason);
        Assert.Equal(RegistryRuleReasons.LicenseRequired,
            Assert.Throws<RegistryRuleException>(() => new ViolationResolution(ViolationState.Processed, "").Attribute(unattributed)).Reason);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ViolationResolution(ViolationState.Unprocessed, HolderA));
    }

    [Fact]
    public void RegistryRuleReasons_MatchTheRichErrorReasons()
    {
        // The error interceptor matches on ErrorReasons; the registry (below Validation) spells its own.
        Assert.Equal(ErrorReasons.LicenseNotFound, RegistryRuleReasons.LicenseNotFound);
        Assert.Equal(ErrorReasons.ViolationAlreadyResolved, RegistryRuleReasons.ViolationAlreadyResolved);
    }
}
