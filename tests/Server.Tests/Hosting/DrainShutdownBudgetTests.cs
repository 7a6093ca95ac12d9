using ELicense.Server.Hosting;
using ELicense.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace ELicense.Server.Tests.Hosting;

/// <summary>
/// The host's stop budget: the drain sets it only when the operator did not (configuration or code), and an operator's
/// budget shorter than the drain needs is refused when the host is built, with a message naming both. Built, never started.
/// </summary>
public sealed class DrainShutdownBudgetTests
{
    [Fact]
    public void ShutdownTimeout_NotSet_IsWhatTheDrainNeeds()
    {
        Assert.Equal(new DrainOptions().ShutdownTimeout, Budget([]));
    }

    [Fact]
    public void ShutdownTimeout_DrainLonger_FollowsTheDrain()
    {
        Assert.Equal(TimeSpan.FromSeconds(20 + 30 + 5), Budget(["--Drain:Grace=00:00:20", "--Drain:MaxCallDuration=00:00:30"]));
    }

    [Theory]
    [InlineData("--HostOptions:ShutdownTimeout=00:01:00", 60)]
    [InlineData("--shutdownTimeoutSeconds=45", 45)]
    [InlineData("--HostOptions:ShutdownTimeout=00:00:30", 30)] // .NET's default value, but set: kept
    public void ShutdownTimeout_SetInConfiguration_Kept(string setting, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Budget([setting]));
    }

    [Fact]
    public void ShutdownTimeout_SetInCode_Kept()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), Budget([], services => services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2))));
    }

    [Fact]
    public void ShutdownTimeout_SetShorterThanTheDrainNeeds_RefusedNamingBoth()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Budget(["--HostOptions:ShutdownTimeout=00:00:05"]));

        Assert.Contains("HostOptions:ShutdownTimeout is 00:00:05, shorter than a stop needs", error.Message, StringComparison.Ordinal);
        Assert.Contains("Drain:Grace (00:00:03) + Drain:MaxCallDuration (00:00:10) + 00:00:05 for the rest of the stop = 00:00:18", error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void ShutdownTimeout_SetShortWithAShortDrain_Accepted()
    {
        Assert.Equal(TimeSpan.FromSeconds(6), Budget(["--shutdownTimeoutSeconds=6", "--Drain:Grace=00:00:00", "--Drain:MaxCallDuration=00:00:01"]));
    }

    [Fact]
    public void ShutdownTimeout_InfiniteInCode_AcceptedAsLongEnough()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, Budget([], services => services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan)));
    }

    // The host reads its options when it is built: that is where a refused budget throws.
    private static TimeSpan Budget(string[] args, Action<IServiceCollection>? code = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddStartupErrors(builder.Logging); // the draining server wraps Kestrel with it
        builder.Services.AddDrainOnStop(builder.Configuration);
        code?.Invoke(builder.Services);
        using var app = builder.Build();
        return app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
    }
}
