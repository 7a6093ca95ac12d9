using ELicense.Server.Validation;
using Xunit;

namespace ELicense.Server.Tests.Validation;

public class FieldsTests
{
    [Theory]
    [InlineData("handheld-7", true)]
    [InlineData("gate:3.lane_2", true)]
    [InlineData("imei-356938035643809", false)]        // 15 digits in a row
    [InlineData("dev-11010519491231002X", false)]      // an identity number smuggled in
    [InlineData("unit-2026-11-25-000001", true)]       // digits, but in short runs
    [InlineData("dev 1", false)]                        // space
    [InlineData("", false)]
    public void ClientId_Values_AcceptOnlyShortSafeLabels(string value, bool valid)
    {
        Assert.Equal(valid, new RequestValidator().ClientId(value, "device_id", required: true).IsValid);
    }
}
