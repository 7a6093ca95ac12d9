using ELicense.Bench;

namespace ELicense.Bench.Tests;

public sealed class BenchTextTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("10", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("500ms", 500)]
    [InlineData("250us", 0.25)]
    [InlineData("250µs", 0.25)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 0 ", 0)]
    public void TryParseDuration_Valid_ReadsTheSpan(string text, double milliseconds)
    {
        Assert.True(BenchText.TryParseDuration("--duration", text, unitRequired: false, out var value, out _));
        Assert.Equal(milliseconds, value.TotalMilliseconds, 1e-9);
    }

    [Theory]
    [InlineData("5", "--max-p99 needs a unit, e.g. 5ms or 250us (got \"5\")")]
    [InlineData("fast", "--max-p99 must be a duration such as 5ms or 250us (got \"fast\")")]
    [InlineData("-1ms", "--max-p99 must be a duration such as 5ms or 250us (got \"-1ms\")")]
    public void TryParseDuration_LatencyWithoutUnit_SaysSo(string text, string message)
    {
        Assert.False(BenchText.TryParseDuration("--max-p99", text, unitRequired: true, out _, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("1000", 1000)]
    [InlineData("2.5k", 2500)]
    [InlineData("1000/s", 1000)]
    [InlineData("0.5", 0.5)]
    public void TryParseRate_Valid_ReadsRequestsPerSecond(string text, double rate)
    {
        Assert.True(BenchText.TryParseRate("--rate", text, out var value, out _));
        Assert.Equal(rate, value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("lots")]
    [InlineData("20000000")]
    public void TryParseRate_Invalid_NamesTheOptionAndAnExample(string text)
    {
        Assert.False(BenchText.TryParseRate("--rate", text, out _, out var error));
        Assert.StartsWith("--rate must be a rate in requests per second above 0", error, StringComparison.Ordinal);
        Assert.Contains("e.g. 1000 or 2.5k", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.1%", 0.001)]
    [InlineData("0.001", 0.001)]
    [InlineData("5%", 0.05)]
    [InlineData("0", 0)]
    public void TryParseFraction_PercentOrFraction_ReadsTheFraction(string text, double fraction)
    {
        Assert.True(BenchText.TryParseFraction("--max-error-rate", text, out var value, out _));
        Assert.Equal(fraction, value, 1e-15);
    }

    [Theory]
    [InlineData("150%")]
    [InlineData("2")]
    [InlineData("a lot")]
    public void TryParseFraction_OutOfRange_SaysWhatIsAccepted(string text)
    {
        Assert.False(BenchText.TryParseFraction("--max-error-rate", text, out _, out var error));
        Assert.Contains("percentage such as 0.1% or a fraction such as 0.001", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("200", 200)]
    [InlineData("10k", 10_000)]
    [InlineData("1m", 1_000_000)]
    [InlineData("1_000", 1000)]
    [InlineData("1,000", 1000)]
    public void TryParseCount_Valid_ReadsTheCount(string text, long count)
    {
        Assert.True(BenchText.TryParseCount("--count", text, long.MaxValue, out var value, out _));
        Assert.Equal(count, value);
    }

    [Theory]
    [InlineData(850_000, "850 µs")]
    [InlineData(12_345_678, "12.3 ms")]
    [InlineData(1_234_567, "1.23 ms")]
    [InlineData(4_200_000_000, "4.20 s")]
    [InlineData(999, "999 ns")]
    public void FormatNanoseconds_Values_ReadForPeople(double nanoseconds, string text) =>
        Assert.Equal(text, BenchText.FormatNanoseconds(nanoseconds));
}
