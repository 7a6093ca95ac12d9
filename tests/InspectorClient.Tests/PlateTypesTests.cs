using ELicense.Inspector.Commands;
using ELicense.Inspector.Localization;
using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Tests;

public sealed class PlateTypesTests
{
    [Theory]
    [InlineData("01", PlateType.Large)]
    [InlineData("02", PlateType.Small)]
    [InlineData("51", PlateType.LargeNewEnergy)]
    [InlineData("52", PlateType.SmallNewEnergy)]
    [InlineData("large", PlateType.Large)]
    [InlineData("SMALL", PlateType.Small)]
    [InlineData("large-ne", PlateType.LargeNewEnergy)]
    [InlineData(" small-ne ", PlateType.SmallNewEnergy)]
    public void TryParse_KnownSpelling_ReturnsType(string text, PlateType expected)
    {
        Assert.True(PlateTypes.TryParse(text, out var type));
        Assert.Equal(expected, type);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("03")]
    [InlineData("medium")]
    public void TryParse_UnknownSpelling_ReturnsFalse(string? text)
    {
        Assert.False(PlateTypes.TryParse(text, out var type));
        Assert.Null(type);
    }

    [Fact]
    public void Describe_SmallNewEnergy_GivesCodeAndName()
    {
        Assert.Equal("52 small new-energy", PlateTypes.Describe(PlateType.SmallNewEnergy));
    }
}
