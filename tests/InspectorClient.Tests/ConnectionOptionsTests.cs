using ELicense.Inspector.Commands;
using ELicense.Inspector.Connection;

namespace ELicense.Inspector.Tests;

public sealed class ConnectionOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void TryResolve_NothingGiven_UsesDefaults()
    {
        Assert.True(ConnectionOptions.TryResolve(new GlobalSettings(), NoEnvironment, "HOST1", out var options, out _));

        Assert.Equal(new Uri("http://127.0.0.1:5080"), options.Server);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Deadline);
        Assert.Equal(2, options.Retries);
        Assert.Equal("inspector-HOST1", options.DeviceId);
    }

    [Fact]
    public void TryResolve_EnvironmentSet_UsesEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            [ConnectionOptions.ServerVariable] = "https://elicense.example:8443",
            [ConnectionOptions.DeviceVariable] = "gate-3",
        };

        Assert.True(ConnectionOptions.TryResolve(new GlobalSettings(), k => environment.GetValueOrDefault(k), "HOST1", out var options, out _));

        Assert.Equal(new Uri("https://elicense.example:8443"), options.Server);
        Assert.Equal("gate-3", options.DeviceId);
    }

    [Fact]
    public void TryResolve_ExplicitOptions_WinOverEnvironment()
    {
        var settings = new GlobalSettings { Server = "http://10.0.0.5:5080", Device = "hh-7", DeadlineSeconds = 1.5, Retries = 0 };

        Assert.True(ConnectionOptions.TryResolve(settings, _ => "http://ignored:1", "HOST1", out var options, out _));

        Assert.Equal(new Uri("http://10.0.0.5:5080"), options.Server);
        Assert.Equal("hh-7", options.DeviceId);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.Deadline);
        Assert.Equal(0, options.Retries);
    }

    [Theory]
    [InlineData("127.0.0.1:5080")]
    [InlineData("ftp://host")]
    [InlineData("not a url")]
    [InlineData("/relative")]
    public void TryResolve_BadServer_FailsWithUsageMessage(string server)
    {
        Assert.False(ConnectionOptions.TryResolve(new GlobalSettings { Server = server }, NoEnvironment, "H", out _, out var error));
        Assert.Contains("--server", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(-1, 2)]
    [InlineData(5, -1)]
    [InlineData(5, 11)]
    public void TryResolve_BadDeadlineOrRetries_Fails(double deadline, int retries)
    {
        var settings = new GlobalSettings { DeadlineSeconds = deadline, Retries = retries };

        Assert.False(ConnectionOptions.TryResolve(settings, NoEnvironment, "H", out _, out _));
    }

    [Fact]
    public void TryResolve_BadDevice_Fails()
    {
        Assert.False(ConnectionOptions.TryResolve(new GlobalSettings { Device = "gate 3" }, NoEnvironment, "H", out _, out var error));
        Assert.Contains("--device", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultDeviceId_OddMachineName_IsSanitisedAndCapped()
    {
        var id = ConnectionOptions.DefaultDeviceId("my host/" + new string('x', 80));

        Assert.StartsWith("inspector-my-host-", id, StringComparison.Ordinal);
        Assert.Equal(64, id.Length);
        Assert.True(ConnectionOptions.IsValidDeviceId(id));
    }
}
