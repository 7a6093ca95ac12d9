using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.Core.Masking;
using ELicense.Core.Rules;
using ELicense.V1;
using Google.Protobuf.Collections;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>Whether a vehicle may be on the road as far as its papers go, and whether a genuine mark describes it.</summary>
public sealed class VehicleRoadRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static Vehicle Car() => Credentials.CredentialTestKit.SampleVehicle();

    /// <summary>The mark the car was issued (what the registry held when it was signed).</summary>
    private static InspectionMark MarkOf(Vehicle vehicle) =>
        InspectionMarks.ClaimsFor(vehicle, "ELicense", new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero))!.Mark;

    private static List<VehicleNotValidReason> Evaluate(Vehicle vehicle, InspectionMark? mark = null, DateOnly? today = null)
    {
        var reasons = new RepeatedField<VehicleNotValidReason>();
        var ok = VehicleRoadRules.Evaluate(vehicle, mark, today ?? Today, reasons);
        Assert.Equal(reasons.Count == 0, ok);
        return [.. reasons];
    }

    [Fact]
    public void Evaluate_CarInOrderWithItsOwnMark_HasNoReason()
    {
        var car = Car();
        car.Statuses.Add(VehicleStatus.Normal);

        Assert.Empty(Evaluate(car, MarkOf(car)));
    }

    [Theory]
    [InlineData(VehicleStatus.Stolen, VehicleNotValidReason.Stolen)]
    [InlineData(VehicleStatus.Seized, VehicleNotValidReason.Seized)]
    [InlineData(VehicleStatus.Cancelled, VehicleNotValidReason.Cancelled)]
    [InlineData(VehicleStatus.TransferredOut, VehicleNotValidReason.TransferredOut)]
    public void Evaluate_StoppingStatus_IsItsReason(VehicleStatus status, VehicleNotValidReason expected)
    {
        var car = Car();
        car.Statuses.Add([status, status]); // recorded twice: reported once

        Assert.Equal([expected], Evaluate(car));
    }

    [Theory]
    [InlineData(VehicleStatus.Mortgaged)]
    [InlineData(VehicleStatus.UnprocessedAccident)]
    [InlineData(VehicleStatus.Normal)]
    [InlineData(VehicleStatus.Unspecified)]
    public void Evaluate_StatusThatBlocksATransferNotAJourney_IsNoReason(VehicleStatus status)
    {
        var car = Car();
        car.Statuses.Add(status);

        Assert.Empty(Evaluate(car, MarkOf(car)));
    }

    [Fact]
    public void Evaluate_EveryStatusAtOnce_ReportsEachInEnumOrder()
    {
        var car = Car();
        car.Statuses.Add(Enum.GetValues<VehicleStatus>().Reverse());

        Assert.Equal([VehicleNotValidReason.Stolen, VehicleNotValidReason.Seized, VehicleNotValidReason.Cancelled, VehicleNotValidReason.TransferredOut],
            Evaluate(car).Order());
    }

    [Theory]
    [InlineData(0, true)]   // the last valid day itself
    [InlineData(1, false)]  // the day after
    public void Evaluate_InspectionAtTheDayBoundary_ExpiresTheDayAfter(int daysAfterLastValid, bool valid)
    {
        var car = Car();
        var today = car.InspectionValidUntilDate.ToDateOnly().AddDays(daysAfterLastValid);
        car.InsuranceValidUntilDate = today.AddYears(1).ToProtoDate();

        Assert.Equal(valid ? [] : [VehicleNotValidReason.InspectionExpired], Evaluate(car, today: today));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Evaluate_InsuranceAtTheDayBoundary_LapsesTheDayAfter(int daysAfterLastValid, bool valid)
    {
        var car = Car();
        var today = car.InsuranceValidUntilDate.ToDateOnly().AddDays(daysAfterLastValid);

        Assert.Equal(valid ? [] : [VehicleNotValidReason.InsuranceExpired], Evaluate(car, today: today));
    }

    [Fact]
    public void Evaluate_NoInspectionOrInsuranceRecorded_IsExpiredNotAssumedValid()
    {
        var car = Car();
        car.InspectionValidUntilDate = null;
        car.InsuranceValidUntilDate = null;

        Assert.Equal([VehicleNotValidReason.InspectionExpired, VehicleNotValidReason.InsuranceExpired], Evaluate(car));
    }

    [Theory]
    [InlineData(-1, true)]  // live validity shortened below the signed one: revoked
    [InlineData(0, false)]  // the same
    [InlineData(365, false)] // extended since (a new inspection): the old mark is still true as far as it goes
    public void Evaluate_LiveValidityAgainstTheSignedOne_EarlierIsRevoked(int liveMinusSignedDays, bool revoked)
    {
        var car = Car();
        var mark = MarkOf(car);
        car.InspectionValidUntilDate = mark.InspectionValidUntilDate.ToDateOnly().AddDays(liveMinusSignedDays).ToProtoDate();

        Assert.Equal(revoked, Evaluate(car, mark).Contains(VehicleNotValidReason.InspectionRevoked));
    }

    [Fact]
    public void Evaluate_LiveRecordLostItsInspection_IsRevokedAndExpired()
    {
        var car = Car();
        var mark = MarkOf(car);
        car.InspectionValidUntilDate = null;

        Assert.Equal([VehicleNotValidReason.InspectionExpired, VehicleNotValidReason.InspectionRevoked], Evaluate(car, mark));
    }

    public static TheoryData<string> Mismatches() => ["plate number", "plate type", "VIN kept part", "vehicle type"];

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Evaluate_MarkOfAnotherVehicle_IsMismatch(string what)
    {
        var car = Car();
        var mark = MarkOf(car);
        switch (what)
        {
            case "plate number": car.Plate.Number = "京A12346"; break;
            case "plate type": car.Plate.Type = PlateType.SmallNewEnergy; break;
            case "VIN kept part": car.Vin = "LSVAM4187C3184847"; break;
            default: car.VehicleType = "K32"; break;
        }

        Assert.Equal([VehicleNotValidReason.MarkMismatch], Evaluate(car, mark));
        Assert.False(VehicleRoadRules.Describes(mark, car));
    }

    [Fact]
    public void Describes_VinDifferingOnlyInTheMaskedSerial_StillDescribes()
    {
        // The mark cannot tell these apart, by design: the serial is what it hides.
        var car = Car();
        var mark = MarkOf(car);
        car.Vin = "LSVAM4187C2999997";

        Assert.True(VehicleRoadRules.Describes(mark, car));
    }

    [Theory]
    [InlineData("K33", "", true)]   // type recorded on the mark, not (yet) on the record
    [InlineData("", "K33", true)]   // recorded after the mark was issued
    [InlineData("K33", "K33", true)]
    [InlineData("K33", "H31", false)]
    public void Describes_VehicleType_MismatchesOnlyWhenBothRecordOne(string markType, string liveType, bool describes)
    {
        var car = Car();
        var mark = MarkOf(car);
        mark.VehicleType = markType;
        car.VehicleType = liveType;

        Assert.Equal(describes, VehicleRoadRules.Describes(mark, car));
    }

    [Fact]
    public void Describes_MarkOrVehicleWithoutPlateOrMask_NeverDescribes()
    {
        var car = Car();
        var noPlate = MarkOf(car);
        noPlate.Plate = null;
        var noMask = MarkOf(car);
        noMask.MaskedVin = "";
        var fullVin = MarkOf(car);
        fullVin.MaskedVin = car.Vin; // an unmasked VIN is not a mask this issuer writes
        var plateless = Car();
        plateless.Plate = null;

        Assert.False(VehicleRoadRules.Describes(noPlate, car));
        Assert.False(VehicleRoadRules.Describes(noMask, car));
        Assert.False(VehicleRoadRules.Describes(fullVin, car));
        Assert.False(VehicleRoadRules.Describes(MarkOf(car), plateless));
        Assert.Equal("LSVAM4187C2*****7", Masks.Vin(car.Vin));
    }

    [Fact]
    public void Explain_EveryReason_HasItsOwnWords()
    {
        var reasons = Enum.GetValues<VehicleNotValidReason>().Where(r => r != VehicleNotValidReason.Unspecified).ToList();

        var words = reasons.Select(r => VehicleRoadRules.Explain([r])).ToList();

        Assert.All(words, w => Assert.DoesNotContain("_", w, StringComparison.Ordinal));
        Assert.All(reasons.Zip(words), p => Assert.NotEqual(p.First.ToString(), p.Second)); // not the enum's fallback name
        Assert.Equal(words.Count, words.Distinct().Count());
    }
}
