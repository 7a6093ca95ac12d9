using ELicense.Core.Identifiers;
using ELicense.Core.Masking;
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

    [Theory]
    [InlineData("11010119900", "***********")]              // once shown as 110101********9900
    [InlineData("11010119900307803", "*****************")]
    [InlineData("11010119900307803X9", "******************")]
    [InlineData("11010119900307803X", "110101********803X")]
    public void MaskIdentityNumber_AnyLength_IsTheServersRule(string input, string expected)
    {
        Assert.Equal(expected, Masking.MaskIdentityNumber(input));
        Assert.Equal(Masks.IdentityNumber(input), Masking.MaskIdentityNumber(input));
        Assert.Equal(IdentityNumber.Mask(input), Masking.MaskIdentityNumber(input)); // what the server's shaping applies
    }
}
