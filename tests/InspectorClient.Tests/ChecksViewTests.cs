using ELicense.Inspector.Commands;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console.Testing;

namespace ELicense.Inspector.Tests;

public sealed class ChecksViewTests
{
    private static ListLicenseChecksResponse Page(string nextPageToken = "") => new()
    {
        Checks =
        {
            new LicenseCheck
            {
                CheckTime = Timestamp.FromDateTimeOffset(Samples.Now.AddMinutes(-5)),
                CallerId = "police-bj-dongcheng",
                DeviceId = "handheld-7",
                Method = "GetLicense",
                Purpose = LookupPurpose.RoadsideCheck,
                Result = "OK",
            },
            new LicenseCheck
            {
                CheckTime = Timestamp.FromDateTimeOffset(Samples.Now.AddDays(-1)),
                CallerId = "transfer-office-sh",
                Method = "VerifyCredential",
                Result = "VERDICT_VALID",
            },
        },
        NextPageToken = nextPageToken,
    };

    [Fact]
    public void Render_Page_ShowsEveryColumnInLocalTime()
    {
        var console = new TestConsole().Width(200);
        var clock = Samples.Clock();
        clock.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "CST", "CST"));

        ChecksView.Render(console, Page(), clock);

        var output = console.Output;
        foreach (var header in new[] { "Time", "Who", "Device", "What", "Purpose", "Result" })
        {
            Assert.Contains(header, output, StringComparison.Ordinal);
        }

        Assert.Contains("2025-03-01 16:25:00", output, StringComparison.Ordinal);
        Assert.Contains("police-bj-dongcheng", output, StringComparison.Ordinal);
        Assert.Contains("handheld-7", output, StringComparison.Ordinal);
        Assert.Contains("GetLicense", output, StringComparison.Ordinal);
        Assert.Contains("roadside check (路面查验)", output, StringComparison.Ordinal);
        Assert.Contains("VERDICT_VALID", output, StringComparison.Ordinal);
        Assert.Contains("last page", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RefusedAttempts_SaidInWordsWithTheirNumber()
    {
        var console = new TestConsole().Width(200);
        var page = new ListLicenseChecksResponse
        {
            Checks =
            {
                new LicenseCheck { CheckTime = Timestamp.FromDateTimeOffset(Samples.Now), CallerId = "officer-x", Method = "GetLicense", Result = "ResourceExhausted", Attempts = 37 },
                new LicenseCheck { CheckTime = Timestamp.FromDateTimeOffset(Samples.Now), CallerId = "transfer-y", Method = "GetLicense", Result = "PermissionDenied", Attempts = 1 },
            },
        };

        ChecksView.Render(console, page, Samples.Clock());

        Assert.Contains("refused: over its rate limit ×37", console.Output, StringComparison.Ordinal);
        Assert.Contains("refused: not permitted", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("×1", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Empty_SaysNoChecksRecorded()
    {
        var console = new TestConsole().Width(120);

        ChecksView.Render(console, new ListLicenseChecksResponse(), Samples.Clock());

        Assert.Equal(["no checks recorded", "last page"], console.Lines.Select(l => l.TrimEnd()).Where(l => l.Length > 0));
    }

    [Fact]
    public void Render_MorePages_PrintsNextPageToken()
    {
        var console = new TestConsole().Width(200);

        ChecksView.Render(console, Page("tok[2]"), Samples.Clock());

        Assert.Contains("next page: --page-token tok[2]", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void ChecksSettings_BadPageSize_IsUsageError(int pageSize)
    {
        Assert.False(new ChecksSettings { LicenseNumber = Samples.LicenseNumber, PageSize = pageSize }.Validate().Successful);
    }

    [Fact]
    public void ChecksSettings_ToRequest_NormalisesNumberAndPaging()
    {
        var request = new ChecksSettings { LicenseNumber = " 11010119900307803x", PageSize = 50, PageToken = "t2" }.ToRequest();

        Assert.Equal(Samples.LicenseNumber, request.LicenseNumber);
        Assert.Equal(50, request.PageSize);
        Assert.Equal("t2", request.PageToken);
    }
}
