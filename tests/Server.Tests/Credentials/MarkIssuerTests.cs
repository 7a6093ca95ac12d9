using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.Server.Credentials;
using ELicense.V1;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>When a mark is signed, and that what is signed verifies as the server's mark.</summary>
public sealed class MarkIssuerTests : IDisposable
{
    private readonly CredentialTestKit _kit = new();

    private MarkIssuer Issuer => new(_kit.Ring, _kit.Options, _kit.Time);

    private DateOnly Today => Dates.ChinaToday(_kit.Time.GetUtcNow());

    private static Vehicle VehicleValidUntil(DateOnly validUntil) => new()
    {
        Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
        Vin = "LSVAU2180N2183294",
        VehicleType = "K33",
        InspectionValidUntilDate = validUntil.ToProtoDate(),
    };

    public void Dispose() => _kit.Dispose();

    [Fact]
    public void Issue_ValidInspection_VerifiesAsGenuineMarkExpiringAtTheDaysEnd()
    {
        var vehicle = VehicleValidUntil(Today.AddDays(400));

        var issued = Issuer.Issue(vehicle);
        var check = new MarkVerifier(_kit.Ring, _kit.Options, _kit.Time).Verify(issued.QrPayload);

        Assert.StartsWith(CredentialPolicy.MarkPrefix, issued.QrPayload, StringComparison.Ordinal);
        Assert.Equal(CredentialStatus.Genuine, check.Status);
        Assert.Equal(InspectionMarks.Number(vehicle.Vin, Today.AddDays(400)), issued.MarkNumber);
        Assert.Equal(InspectionMarks.ExpiresAt(Today.AddDays(400)), issued.ExpiresAt);
        Assert.Equal("LSVAU2180N2*****4", check.Claims!.Mark.MaskedVin);
    }

    [Fact]
    public void Check_InspectionEndsToday_StillIssued()
    {
        Assert.Equal(MarkRefusal.None, Issuer.Check(VehicleValidUntil(Today), _kit.Time.GetUtcNow()));
    }

    [Fact]
    public void Check_InspectionEndedYesterdayOrUnrecorded_NotValidToday()
    {
        var unrecorded = VehicleValidUntil(Today);
        unrecorded.InspectionValidUntilDate = null;

        Assert.Equal(MarkRefusal.InspectionNotValidToday, Issuer.Check(VehicleValidUntil(Today.AddDays(-1)), _kit.Time.GetUtcNow()));
        Assert.Equal(MarkRefusal.InspectionNotValidToday, Issuer.Check(unrecorded, _kit.Time.GetUtcNow()));
        Assert.Throws<InvalidOperationException>(() => Issuer.Issue(VehicleValidUntil(Today.AddDays(-1))));
    }

    [Fact]
    public void Check_ValidityBeyondMarkMaxLifetime_Refused()
    {
        var lifetimeDays = (int)_kit.Options.Value.MarkMaxLifetime.TotalDays;

        Assert.Equal(MarkRefusal.None, Issuer.Check(VehicleValidUntil(Today.AddDays(lifetimeDays - 2)), _kit.Time.GetUtcNow()));
        Assert.Equal(MarkRefusal.ValidityBeyondMarkLifetime, Issuer.Check(VehicleValidUntil(Today.AddDays(lifetimeDays + 1)), _kit.Time.GetUtcNow()));
    }

    [Theory]
    [InlineData(VehicleStatus.Stolen)]
    [InlineData(VehicleStatus.Seized)]
    [InlineData(VehicleStatus.Cancelled)]
    [InlineData(VehicleStatus.TransferredOut)]
    public void Check_VehicleThatMayNotBeDriven_Refused(VehicleStatus status)
    {
        var vehicle = VehicleValidUntil(Today.AddDays(30));
        vehicle.Statuses.Add(status);

        // A mark is trusted offline on its signed data for years: none for a vehicle that may not be driven.
        Assert.Equal(MarkRefusal.VehicleNotNormal, Issuer.Check(vehicle, _kit.Time.GetUtcNow()));
    }

    [Theory]
    [InlineData(VehicleStatus.Mortgaged)]
    [InlineData(VehicleStatus.UnprocessedAccident)]
    public void Check_MortgagedOrAccident_StillIssued(VehicleStatus status)
    {
        var vehicle = VehicleValidUntil(Today.AddDays(30));
        vehicle.Statuses.Add(status);

        Assert.Equal(MarkRefusal.None, Issuer.Check(vehicle, _kit.Time.GetUtcNow()));
    }
}
