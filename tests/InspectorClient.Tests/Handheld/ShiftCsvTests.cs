using ELicense.Inspector.Handheld;

namespace ELicense.Inspector.Tests.Handheld;

public sealed class ShiftCsvTests
{
    [Fact]
    public void Format_History_HasHeaderAndMaskedRowsInLocalTime()
    {
        var china = TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "CST", "CST");
        HistoryEntry[] history =
        [
            new() { Sequence = 1, At = Samples.Now, Kind = CheckKind.Scan, Subject = Samples.MaskedNumber, Holder = "张伟", Result = "有效",
                ResultCode = "VALID", Reasons = "REPEAT_SCAN", Tone = Tone.Amber, Offline = true, Sync = SyncState.Differs, LiveResultCode = "LICENSE_NOT_VALID" },
            new() { Sequence = 2, At = Samples.Now, Kind = CheckKind.Vehicle, Subject = "京A12345 02", Result = "VEHICLE OK", ResultCode = "VEHICLE_OK", Tone = Tone.Green },
        ];

        var lines = ShiftCsv.Format(history, "wang", "hh-1", china).Split("\r\n");

        Assert.Equal(ShiftCsv.Header, lines[0]);
        Assert.Equal($"2025-03-01T16:30:00+08:00,wang,hh-1,scan,{Samples.MaskedNumber},张伟,VALID,REPEAT_SCAN,offline,DIFFERS,LICENSE_NOT_VALID", lines[1]);
        Assert.Equal("2025-03-01T16:30:00+08:00,wang,hh-1,vehicle,京A12345 02,,VEHICLE_OK,,online,,", lines[2]);
    }

    [Fact]
    public void Write_FileHoldsHolderNames_IsOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var directory = Directory.CreateTempSubdirectory("elicense-csv-").FullName;
        try
        {
            var path = Path.Combine(directory, "shift.csv");
            HistoryEntry[] history = [new() { Sequence = 1, At = Samples.Now, Kind = CheckKind.Scan, Subject = Samples.MaskedNumber, Holder = "张伟", Result = "VALID", ResultCode = "VALID", Tone = Tone.Green }];

            ShiftCsv.Write(path, history, "wang", "hh-1", TimeZoneInfo.Utc);

            Assert.Contains("张伟", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Equal([0xEF, 0xBB, 0xBF], File.ReadAllBytes(path)[..3]); // the BOM spreadsheet programs need for Chinese
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    public void Field_Value_IsQuotedAndNeverAFormula(string value, string expected)
    {
        Assert.Equal(expected, ShiftCsv.Field(value));
    }
}
