using ELicense.Server.Validation;
using Xunit;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Tests.Validation;

public sealed class IdentityNumberTests
{
    [Theory]
    [InlineData("11010519491231002", 'X')] // the GB 11643 example
    [InlineData("44052418800101001", '4')]
    [InlineData("31010419900307123", 'X')]
    [InlineData("11010119900101000", '7')]
    public void ComputeCheckCharacter_KnownNumbers_ReturnsCheckCharacter(string first17, char expected)
    {
        Assert.Equal(expected, IdentityNumber.ComputeCheckCharacter(first17));
    }

    [Theory]
    [InlineData("1101051949123100")]
    [InlineData("110105194912310021")]
    [InlineData("1101051949123100A")]
    [InlineData("")]
    public void ComputeCheckCharacter_NotSeventeenDigits_ReturnsNull(string value)
    {
        Assert.Null(IdentityNumber.ComputeCheckCharacter(value));
    }

    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("31010419900307123X")]
    [InlineData("110101199001010007")]
    public void IsValid_CorrectNumbers_ReturnsTrue(string value)
    {
        Assert.True(IdentityNumber.IsValid(value));
    }

    [Theory]
    [InlineData("11010519491231002x")] // lower-case x
    [InlineData("110105194912310021")] // wrong check character
    [InlineData("11010519491231002")] // too short
    [InlineData("11010519491231002X0")] // too long
    [InlineData("")]
    public void IsValid_BadNumbers_ReturnsFalse(string value)
    {
        Assert.False(IdentityNumber.IsValid(value));
    }

    [Theory]
    [InlineData("11010519490230002")] // 30 February
    [InlineData("11010519491301002")] // month 13
    [InlineData("11010519490100002")] // day 0
    [InlineData("11010518991231002")] // before 1900
    public void IsValid_ImpossibleBirthDateWithCorrectCheck_ReturnsFalse(string first17)
    {
        var value = first17 + IdentityNumber.ComputeCheckCharacter(first17);

        Assert.False(IdentityNumber.IsValid(value));
    }

    [Theory]
    [InlineData("11010519491231002X", "110105********002X")]
    [InlineData("123", "***")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Mask_Values_HidesBirthDateAndSequence(string? value, string expected)
    {
        Assert.Equal(expected, IdentityNumber.Mask(value));
    }
}
