using System.ComponentModel.DataAnnotations;
using ELicense.Server.Registry.Postgres;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>The listener's reconnection backoff: doubling from the first delay, never past its bound.</summary>
public sealed class PostgresChangeListenerOptionsTests
{
    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(7, 5000)]
    [InlineData(1000, 5000)]
    [InlineData(int.MaxValue, 5000)]
    public void ReconnectDelayAfter_Failures_DoublesUpToTheBound(int failures, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), new PostgresChangeListenerOptions().ReconnectDelayAfter(failures));
    }

    [Fact]
    public void Validate_BoundBelowFirstDelay_IsRefusedNamingBoth()
    {
        var options = new PostgresChangeListenerOptions { ReconnectDelay = TimeSpan.FromSeconds(2), MaxReconnectDelay = TimeSpan.FromSeconds(1) };

        var errors = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));

        var error = Assert.Single(errors);
        Assert.Contains("Registry:ChangeListener:MaxReconnectDelay", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("Registry:ChangeListener:ReconnectDelay", error.ErrorMessage, StringComparison.Ordinal);
    }
}
