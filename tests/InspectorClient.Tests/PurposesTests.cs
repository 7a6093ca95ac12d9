using ELicense.Inspector.Commands;
using ELicense.Inspector.Localization;
using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Tests;

public sealed class PurposesTests
{
    [Theory]
    [InlineData("roadside-check", LookupPurpose.RoadsideCheck)]
    [InlineData("violation-handling", LookupPurpose.ViolationHandling)]
    [InlineData("transfer-registration", LookupPurpose.TransferRegistration)]
    [InlineData("qualification-proof", LookupPurpose.QualificationProof)]
    [InlineData("other-public-service", LookupPurpose.OtherPublicService)]
    [InlineData(" Roadside-Check ", LookupPurpose.RoadsideCheck)]
    [InlineData("1", LookupPurpose.RoadsideCheck)]
    [InlineData("5", LookupPurpose.OtherPublicService)]
    [InlineData("LOOKUP_PURPOSE_TRANSFER_REGISTRATION", LookupPurpose.TransferRegistration)]
    [InlineData("violation_handling", LookupPurpose.ViolationHandling)]
    [InlineData("QualificationProof", LookupPurpose.QualificationProof)]
    public void TryParse_KnownSpelling_ReturnsPurpose(string text, LookupPurpose expected)
    {
        Assert.True(Purposes.TryParse(text, out var purpose));
        Assert.Equal(expected, purpose);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("unspecified")]
    [InlineData("LOOKUP_PURPOSE_UNSPECIFIED")]
    [InlineData("curiosity")]
    [InlineData("roadside")]
    public void TryParse_UnknownOrUnspecified_ReturnsFalse(string? text)
    {
        Assert.False(Purposes.TryParse(text, out var purpose));
        Assert.Null(purpose);
    }

    [Fact]
    public void Describe_EveryPurpose_HasWords()
    {
        foreach (var purpose in Enum.GetValues<LookupPurpose>().Where(p => p != LookupPurpose.Unspecified))
        {
            Assert.DoesNotContain("unknown", Purposes.Describe(purpose), StringComparison.Ordinal);
            Assert.NotEqual("—", Purposes.Describe(purpose));
        }

        Assert.Equal("roadside check (路面查验)", Purposes.Describe(LookupPurpose.RoadsideCheck));
        Assert.Equal("—", Purposes.Describe(LookupPurpose.Unspecified));
    }

    [Fact]
    public void LicenseSettings_WithPurpose_PutsItInTheRequest()
    {
        var request = new LicenseSettings { Number = " 11010119900307803x ", Purpose = "qualification-proof" }.ToRequest();

        Assert.Equal("11010119900307803X", request.LicenseNumber);
        Assert.Equal(LookupPurpose.QualificationProof, request.Purpose);
    }

    [Fact]
    public void ViolationsSettings_PlateWithoutPurpose_IsValidAndUnspecified()
    {
        var settings = new ViolationsSettings { Plate = "京A12345", PlateType = "02" };

        Assert.True(settings.Validate().Successful);
        Assert.Equal(LookupPurpose.Unspecified, settings.ToRequest().Purpose);
    }

    [Fact]
    public void ViolationsSettings_LicenseWithPurpose_PutsItInTheRequest()
    {
        var settings = new ViolationsSettings { License = Samples.LicenseNumber, Purpose = "violation-handling" };

        Assert.True(settings.Validate().Successful);
        Assert.Equal(LookupPurpose.ViolationHandling, settings.ToRequest().Purpose);
    }

    [Fact]
    public void ViolationsSettings_LicenseWithoutPurpose_ListsAcceptedValues()
    {
        var result = new ViolationsSettings { License = Samples.LicenseNumber }.Validate();

        Assert.False(result.Successful);
        Assert.Contains("--purpose", result.Message, StringComparison.Ordinal);
        Assert.Contains(Purposes.Accepted, result.Message, StringComparison.Ordinal);
    }
}
