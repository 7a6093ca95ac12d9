using ELicense.Inspector.Rendering;

namespace ELicense.Inspector.Tests;

public sealed class MaskingTests
{
    [Fact]
    public void MaskIdentityNumber_EighteenCharacters_KeepsFirstSixAndLastFour()
    {
        Assert.Equal("110101********1234", Masking.MaskIdentityNumber("110101199003071234"));
    }

    [Fact]
    public void MaskIdentityNumber_CheckCharacterX_KeepsIt()
    {
        Assert.Equal(Samples.MaskedNumber, Masking.MaskIdentityNumber(Samples.LicenseNumber));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("1234", "****")]
    [InlineData("1234567890", "**********")]
    public void MaskIdentityNumber_ShortOrEmpty_MasksEverything(string? input, string expected)
    {
        Assert.Equal(expected, Masking.MaskIdentityNumber(input));
    }
}
