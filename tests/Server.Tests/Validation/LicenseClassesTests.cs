using ELicense.Server.Validation;
using Xunit;
using ELicense.Core.Rules;

namespace ELicense.Server.Tests.Validation;

public sealed class LicenseClassesTests
{
    [Theory]
    [InlineData("C1", "C1")]
    [InlineData("A2D", "A2,D")]
    [InlineData("C1E", "C1,E")]
    [InlineData("D", "D")]
    [InlineData("A1A2", "A1,A2")]
    public void TryParse_ValidClasses_SplitsCodes(string value, string expected)
    {
        Assert.True(LicenseClasses.TryParse(value, out var codes));
        Assert.Equal(expected.Split(','), codes);
    }

    [Theory]
    [InlineData("C7")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("C1C1")]
    [InlineData("c1")]
    [InlineData("X")]
    [InlineData("C1 E")]
    [InlineData("C1EEEEEEEEEEE")]
    public void TryParse_InvalidClasses_ReturnsFalse(string? value)
    {
        Assert.False(LicenseClasses.TryParse(value, out _));
    }

    [Fact]
    public void Entitled_HigherClasses_IncludeLowerOnes()
    {
        Assert.Equal(["A1", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"], LicenseClasses.Entitled("A1"));
        Assert.Equal(["C1", "C2", "C3", "C4", "E", "F"], LicenseClasses.Entitled("C1E"));
        Assert.Empty(LicenseClasses.Entitled("C7"));
    }
}
