using ELicense.Server.Validation;
using ELicense.V1;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Tests.Validation;

public sealed class PlateNumberTests
{
    [Theory]
    [InlineData("京A12345", PlateType.Small)]
    [InlineData("京A12345", PlateType.Large)]
    [InlineData("沪B9Z8Y7", PlateType.Small)]
    [InlineData("沪AD12345", PlateType.SmallNewEnergy)]
    [InlineData("粤BF1A234", PlateType.SmallNewEnergy)]
    [InlineData("粤B12345D", PlateType.LargeNewEnergy)]
    [InlineData("新Z0000F", PlateType.Small)]
    [InlineData("京A12345", PlateType.Motorcycle)]
    [InlineData("粤B8K3M2", PlateType.LightMotorcycle)]
    public void IsValid_WellFormedPlates_ReturnsTrue(string number, PlateType type)
    {
        Assert.True(PlateNumber.IsValid(number, type));
    }

    [Theory]
    [InlineData("京A1234", PlateType.Small)] // too short
    [InlineData("京A123456", PlateType.Small)] // too long for an ordinary plate
    [InlineData("京I12345", PlateType.Small)] // office letter I
    [InlineData("京O12345", PlateType.Small)] // office letter O
    [InlineData("京A1234O", PlateType.Small)] // serial letter O
    [InlineData("京A12I45", PlateType.Small)] // serial letter I
    [InlineData("京a12345", PlateType.Small)] // lower case
    [InlineData("港A12345", PlateType.Small)] // not a province character
    [InlineData("京112345", PlateType.Small)] // office must be a letter
    [InlineData("沪AA12345", PlateType.SmallNewEnergy)] // small new-energy must start with D or F
    [InlineData("沪A12345", PlateType.SmallNewEnergy)] // new-energy needs six characters
    [InlineData("沪AD12345", PlateType.Small)] // six characters on an ordinary plate
    [InlineData("京AD12345", PlateType.Motorcycle)] // six characters on a motorcycle plate
    [InlineData("京A12345", (PlateType)3)] // a code the contract does not define
    [InlineData("京A12345", PlateType.Unspecified)]
    [InlineData("", PlateType.Small)]
    public void IsValid_MalformedPlates_ReturnsFalse(string number, PlateType type)
    {
        Assert.False(PlateNumber.IsValid(number, type));
    }
}
