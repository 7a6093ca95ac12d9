using ELicense.Server.Validation;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Tests.Validation;

public sealed class VinTests
{
    [Theory]
    [InlineData("1M8GDM9AXKP042788", 'X')]
    [InlineData("11111111111111111", '1')]
    [InlineData("1HGCM82633A004352", '3')]
    public void ComputeCheckDigit_KnownVins_ReturnsPositionNine(string vin, char expected)
    {
        Assert.Equal(expected, Vin.ComputeCheckDigit(vin));
    }

    [Theory]
    [InlineData("1M8GDM9AXKP042788")]
    [InlineData("11111111111111111")]
    [InlineData("1HGCM82633A004352")]
    public void IsValid_RealVins_ReturnsTrue(string vin)
    {
        Assert.True(Vin.IsValid(vin));
    }

    [Theory]
    [InlineData("1M8GDM9A1KP042788")] // wrong check digit
    [InlineData("1M8GDM9AXKP04278")] // 16 characters
    [InlineData("1M8GDM9AXKP0427880")] // 18 characters
    [InlineData("1M8GDM9AXKP04278I")] // I is not allowed
    [InlineData("1M8GDM9AXKP04278O")] // O is not allowed
    [InlineData("1M8GDM9AXKP04278Q")] // Q is not allowed
    [InlineData("1m8gdm9axkp042788")] // lower case
    [InlineData("")]
    public void IsValid_BadVins_ReturnsFalse(string vin)
    {
        Assert.False(Vin.IsValid(vin));
    }

    [Fact]
    public void ComputeCheckDigit_ForbiddenCharacter_ReturnsNull()
    {
        Assert.Null(Vin.ComputeCheckDigit("1M8GDM9AXKP04278Q"));
        Assert.Null(Vin.ComputeCheckDigit("1M8GDM9AX"));
    }
}
