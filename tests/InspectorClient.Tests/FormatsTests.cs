using ELicense.Inspector.Rendering;
using ELicense.V1;
using GoogleDate = Google.Type.Date;

namespace ELicense.Inspector.Tests;

public sealed class FormatsTests
{
    [Fact]
    public void Validity_NoEndDate_SaysLongTerm()
    {
        var text = Formats.Validity(new GoogleDate { Year = 2020, Month = 1, Day = 2 }, null);

        Assert.Equal("2020-01-02 – 长期 (long-term)", text);
    }

    [Fact]
    public void Validity_BothDates_ShowsRange()
    {
        var text = Formats.Validity(new GoogleDate { Year = 2018, Month = 5, Day = 20 }, new GoogleDate { Year = 2028, Month = 5, Day = 20 });

        Assert.Equal("2018-05-20 – 2028-05-20", text);
    }

    [Theory]
    [InlineData(1.2, "1.2s")]
    [InlineData(0, "0.0s")]
    [InlineData(-3, "0.0s")]
    [InlineData(184, "3m 04s")]
    [InlineData(7500, "2h 05m")]
    public void Age_Seconds_FormatsCompactly(double seconds, string expected)
    {
        Assert.Equal(expected, Formats.Age(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Freshness_Fresh_ShowsSourceLocalTimeAndAge()
    {
        var text = Formats.Freshness(Samples.Fresh(), Samples.Clock());

        Assert.Equal("source: redis, as of 08:29:58, age 1.2s", text);
    }

    [Fact]
    public void Freshness_Stale_EndsWithStale()
    {
        Assert.EndsWith("STALE", Formats.Freshness(Samples.Fresh(stale: true), Samples.Clock()), StringComparison.Ordinal);
    }

    [Fact]
    public void LocalTime_OtherZone_ConvertsToProviderZone()
    {
        var clock = Samples.Clock();
        clock.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "CST", "CST"));

        Assert.Equal("16:29:30", Formats.LocalTime(Samples.Credential().IssueTime, clock));
    }

    [Fact]
    public void Violations_NoneUnprocessed_SaysNone()
    {
        Assert.Equal("none", Formats.Violations(new ViolationSummary()));
        Assert.Equal("2 (6 points, ¥400)", Formats.Violations(new ViolationSummary { UnprocessedCount = 2, UnprocessedPoints = 6, UnprocessedFineYuan = 400 }));
    }
}
