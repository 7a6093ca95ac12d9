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
    [InlineData("07", PlateType.Motorcycle)]
    [InlineData("motorcycle", PlateType.Motorcycle)]
    [InlineData("08", PlateType.LightMotorcycle)]
    [InlineData("light-motorcycle", PlateType.LightMotorcycle)]
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
    public void Describe_EveryContractPlateType_HasItsCodeInBothTheCliAndTheHandheld()
    {
        foreach (var type in Enum.GetValues<PlateType>().Where(t => t != PlateType.Unspecified))
        {
            var code = ((int)type).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith(code + " ", PlateTypes.Describe(type), StringComparison.Ordinal);
            Assert.True(PlateTypes.TryParse(code, out var parsed));
            Assert.Equal(type, parsed);
            Assert.StartsWith(code + " ", UiText.English.Describe(type), StringComparison.Ordinal);
            Assert.StartsWith(code + " ", UiText.Chinese.Describe(type), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Describe_SmallNewEnergy_GivesCodeAndName()
    {
        Assert.Equal("52 small new-energy", PlateTypes.Describe(PlateType.SmallNewEnergy));
    }
}
