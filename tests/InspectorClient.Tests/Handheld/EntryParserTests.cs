using ELicense.Inspector.Handheld;
using ELicense.V1;
using ELicense.Core.Credentials;
using ELicense.Core.Identifiers;

namespace ELicense.Inspector.Tests.Handheld;

public sealed class EntryParserTests
{
    private static Entry Parse(string line, params string[] existingFiles) =>
        EntryParser.Parse(line, "EDL1:", name => name == "HOME" ? "/home/officer" : null, existingFiles.Contains);

    [Fact]
    public void Parse_PublishedPrefix_IsScanAndTheDefaultIsNot()
    {
        var published = EntryParser.Parse(" EDL2:6BF OXN\r", "EDL2:", _ => null, _ => false);
        var unpublished = EntryParser.Parse("EDL1:6BF OXN", "EDL2:", _ => null, _ => false);

        Assert.Equal(new Entry.Scan("EDL2:6BF OXN"), published);
        Assert.IsType<Entry.Unrecognised>(unpublished);
    }

    [Fact]
    public void Parse_ScannerLine_IsScanKeepingSpaces()
    {
        // Base45 has a space in its alphabet: only the line ending may go.
        var entry = Parse("EDL1:6BF OXN*TS0BI$ZD4 \r");

        Assert.Equal(new Entry.Scan("EDL1:6BF OXN*TS0BI$ZD4 "), entry);
    }

    [Fact]
    public void Parse_ScannerLineWithLeadingSpace_IsScan()
    {
        Assert.Equal(new Entry.Scan("EDL1:ABC"), Parse("  EDL1:ABC"));
    }

    [Fact]
    public void Parse_LicenceNumber_HasNoPurposeUntilGiven()
    {
        Assert.Equal(new Entry.LicenceNumber(Samples.LicenseNumber, null), Parse("11010119900307803x"));
        Assert.Equal(new Entry.LicenceNumber(Samples.LicenseNumber, LookupPurpose.ViolationHandling), Parse($"{Samples.LicenseNumber} 2"));
        Assert.Equal(new Entry.LicenceNumber(Samples.LicenseNumber, LookupPurpose.RoadsideCheck), Parse($"{Samples.LicenseNumber} roadside-check"));
    }

    [Theory]
    [InlineData("京A12345", "京A12345", PlateType.Small)]
    [InlineData("沪AD12345", "沪AD12345", PlateType.SmallNewEnergy)]
    [InlineData("粤B12345 01", "粤B12345", PlateType.Large)]
    [InlineData("粤bd12345 51", "粤BD12345", PlateType.LargeNewEnergy)]
    public void Parse_Plate_InfersOrTakesTheType(string line, string number, PlateType type)
    {
        var entry = Assert.IsType<Entry.PlateNumber>(Parse(line));

        Assert.Equal(number, entry.Plate.Number);
        Assert.Equal(type, entry.Plate.Type);
    }

    [Theory]
    [InlineData("/tmp/qr.png", "/tmp/qr.png")]
    [InlineData("'/tmp/my qr.png'", "/tmp/my qr.png")]
    [InlineData("\"/tmp/my qr.png\"", "/tmp/my qr.png")]
    [InlineData("file:///tmp/qr.png", "/tmp/qr.png")]
    [InlineData("~/qr.png", "/home/officer/qr.png")]
    public void Parse_ExistingImagePath_IsImage(string line, string path)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix paths");

        Assert.Equal(new Entry.Image(path), Parse(line, path));
    }

    [Fact]
    public void Parse_PathToNothing_IsMissingFile()
    {
        Assert.Equal(new Entry.MissingFile("/tmp/nope.png"), Parse("/tmp/nope.png"));
        Assert.Equal(new Entry.MissingFile("scan.jpg"), Parse("scan.jpg"));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("1234")]
    [InlineData("京A1234")]
    [InlineData("京A1234I")]
    public void Parse_AnythingElse_IsUnrecognised(string line)
    {
        Assert.IsType<Entry.Unrecognised>(Parse(line));
    }

    [Fact]
    public void Parse_EmptyLine_IsEmpty()
    {
        Assert.IsType<Entry.Empty>(Parse("   "));
    }

    [Fact]
    public void TryParsePlate_UnknownType_Fails()
    {
        Assert.False(EntryParser.TryParsePlate("京A12345 99", out _));
    }
}
