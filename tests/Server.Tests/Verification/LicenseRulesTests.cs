using ELicense.Server.Tests.Credentials;
using ELicense.Server.Verification;
using ELicense.V1;
using Google.Protobuf.Collections;
using Xunit;
using ELicense.Core;
using ELicense.Core.Rules;

namespace ELicense.Server.Tests.Verification;

public class LicenseRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    [Fact]
    public void Evaluate_NormalLicenseInsideValidity_IsValid()
    {
        var reasons = new RepeatedField<NotValidReason>();

        Assert.True(LicenseRules.Evaluate(CredentialTestKit.SampleLicense(), Today, reasons));
        Assert.Empty(reasons);
    }

    [Theory]
    [InlineData(LicenseStatus.Revoked)]
    [InlineData(LicenseStatus.Suspended)]
    [InlineData(LicenseStatus.PointsExceeded)]
    [InlineData(LicenseStatus.Cancelled)]
    [InlineData(LicenseStatus.RenewalOverdue)]
    [InlineData(LicenseStatus.ReviewOverdue)]
    [InlineData(LicenseStatus.Unspecified)]
    public void Evaluate_AbnormalStatus_IsNotValidWithStatusReason(LicenseStatus status)
    {
        var license = CredentialTestKit.SampleLicense();
        license.Status = status;
        var reasons = new RepeatedField<NotValidReason>();

        Assert.False(LicenseRules.Evaluate(license, Today, reasons));
        Assert.Contains(NotValidReason.Status, reasons);
    }

    [Fact]
    public void Evaluate_DayAfterValidUntil_IsExpired()
    {
        var license = CredentialTestKit.SampleLicense();
        license.ValidUntilDate = new Google.Type.Date { Year = 2026, Month = 11, Day = 24 };
        var reasons = new RepeatedField<NotValidReason>();

        Assert.False(LicenseRules.Evaluate(license, Today, reasons));
        Assert.Equal([NotValidReason.ValidityExpired], reasons);
    }

    [Fact]
    public void Evaluate_LastDayOfValidity_IsValid()
    {
        var license = CredentialTestKit.SampleLicense();
        license.ValidUntilDate = new Google.Type.Date { Year = 2026, Month = 11, Day = 25 };

        Assert.True(LicenseRules.Evaluate(license, Today, []));
    }

    [Fact]
    public void Evaluate_LongTermLicense_IsValid()
    {
        var license = CredentialTestKit.SampleLicense();
        license.ValidUntilDate = null;

        Assert.True(LicenseRules.Evaluate(license, Today, []));
    }

    [Fact]
    public void Evaluate_TwelvePointsButNormalStatus_IsNotValid()
    {
        var license = CredentialTestKit.SampleLicense();
        license.Points = 12;
        var reasons = new RepeatedField<NotValidReason>();

        Assert.False(LicenseRules.Evaluate(license, Today, reasons));
        Assert.Equal([NotValidReason.PointsExceeded], reasons);
    }

    [Fact]
    public void Evaluate_NotYetValid_IsNotValid()
    {
        var license = CredentialTestKit.SampleLicense();
        license.ValidFromDate = new Google.Type.Date { Year = 2026, Month = 11, Day = 26 };
        var reasons = new RepeatedField<NotValidReason>();

        Assert.False(LicenseRules.Evaluate(license, Today, reasons));
        Assert.Equal([NotValidReason.NotYetValid], reasons);
    }

    [Fact]
    public void ChinaToday_LateUtcEvening_IsNextDayInChina()
    {
        var now = new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 11, 25), ELicense.Core.Dates.ChinaToday(now));
    }
}
