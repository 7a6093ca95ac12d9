using CsCheck;
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
    [InlineData("dev-é", false)]                        // a letter, but not ASCII
    [InlineData("dev-٣", false)]                        // a digit, but not ASCII
    [InlineData("ＡＢ-1", false)]                       // fullwidth letters
    [InlineData("a-b_c.d:e-F-G-0", true)]
    public void ClientId_Values_AcceptOnlyShortSafeLabels(string value, bool valid)
    {
        Assert.Equal(valid, new RequestValidator().ClientId(value, "device_id", required: true).IsValid);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void ClientId_Length_AtMost64(int length, bool valid)
    {
        Assert.Equal(valid, new RequestValidator().ClientId(new string('a', length), "device_id", required: true).IsValid);
    }

    [Fact]
    public void ClientId_AnyText_ValidExactlyWhenShortSafeAlphabetAndShortDigitRuns()
    {
        // The rule as first written (LINQ over the characters), as the reference for the allocation-free check.
        static bool Reference(string s) =>
            s.Length is > 0 and <= Fields.MaxIdLength
            && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            && !System.Text.RegularExpressions.Regex.IsMatch(s, "[0-9]{13}");

        Gen.OneOf(Gen.String, Gen.String[Gen.Char["abcXYZ019-_.:/ é٣Ａ\u0000"], 0, 70], Gen.String[Gen.Char["0123456789a"], 0, 70])
            .Sample(s => Assert.Equal(Reference(s), new RequestValidator().ClientId(s, "device_id", required: true).IsValid), iter: 20_000);
    }
}
