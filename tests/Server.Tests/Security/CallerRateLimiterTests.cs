using ELicense.Server.Security;
using Xunit;

namespace ELicense.Server.Tests.Security;

public class CallerRateLimiterTests
{
    [Theory]
    [InlineData(5, 5, 1, 200)]          // one token every 200 ms, not one every 100 ms (which would be 10/s)
    [InlineData(0.5, 1, 1, 2000)]
    [InlineData(15, 15, 1, 66.67)]
    [InlineData(500, 500, 50, 100)]
    public void BucketFor_Rate_RefillsExactlyAtThatRate(double rate, int burst, int tokensPerPeriod, double periodMs)
    {
        var options = CallerRateLimiter.BucketFor(rate);

        Assert.Equal(burst, options.TokenLimit);
        Assert.Equal(tokensPerPeriod, options.TokensPerPeriod);
        Assert.Equal(periodMs, options.ReplenishmentPeriod.TotalMilliseconds, precision: 1);
        Assert.Equal(rate, options.TokensPerPeriod / options.ReplenishmentPeriod.TotalSeconds, precision: 3); // TimeSpan ticks round the period
        Assert.Equal(0, options.QueueLimit);
    }

    [Theory]
    [InlineData("AB:CD:ef 12", "abcdef12")]
    [InlineData("\u200e6bdafb84e06263396d2b095e11d3337dfcdf52cb913063eddc93a051943e7bcd", "6bdafb84e06263396d2b095e11d3337dfcdf52cb913063eddc93a051943e7bcd")]
    public void NormalizeThumbprint_PastedForms_LowerHexOnly(string pasted, string expected)
    {
        Assert.Equal(expected, AuthOptionsValidator.NormalizeThumbprint(pasted));
    }
}
