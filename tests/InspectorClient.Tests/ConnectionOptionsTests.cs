using ELicense.Inspector.Commands;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

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
        var settings = new GlobalSettings { Server = ["http://10.0.0.5:5080"], Device = "hh-7", DeadlineSeconds = 1.5, Retries = 0 };

        var environment = new Dictionary<string, string?>
        {
            [ConnectionOptions.ServerVariable] = "http://ignored:1",
            [ConnectionOptions.DeviceVariable] = "ignored",
        };

        Assert.True(ConnectionOptions.TryResolve(settings, k => environment.GetValueOrDefault(k), "HOST1", out var options, out _));

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
        Assert.False(ConnectionOptions.TryResolve(new GlobalSettings { Server = [server] }, NoEnvironment, "H", out _, out var error));
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

public sealed class ConnectionOptionsAuthTests
{
    private const string Key = "k3y-SUPER-s3cret";
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://127.10.20.30:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://[::ffff:127.0.0.1]:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://LocalHost:5080")]
    [InlineData("http://localhost.:5080")]
    public void IsLoopback_LoopbackHost_True(string url)
    {
        Assert.True(ConnectionOptions.IsLoopback(new Uri(url)));
    }

    [Theory]
    [InlineData("http://10.0.0.5:5080")]
    [InlineData("http://128.0.0.1:5080")]
    [InlineData("http://[::2]:5080")]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://elicense.example:5080")]
    [InlineData("http://localhost.example:5080")]
    [InlineData("http://127.0.0.1.nip.io:5080")]
    public void IsLoopback_OtherHost_False(string url)
    {
        Assert.False(ConnectionOptions.IsLoopback(new Uri(url)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://localhost:5080")]
    public void TryResolve_ApiKeyOverLoopbackHttp_AllowedAndSentInsecurely(string server)
    {
        Assert.True(ConnectionOptions.TryResolve(new GlobalSettings { Server = [server], ApiKey = Key }, NoEnvironment, "H", out var options, out _));

        Assert.Equal(Key, options.ApiKey?.Reveal());
        Assert.True(options.SendsCredentialsInsecurely);
    }

    [Theory]
    [InlineData("http://10.0.0.5:5080")]
    [InlineData("http://elicense.example")]
    public void TryResolve_ApiKeyOverRemoteHttp_RefusedWithoutShowingKey(string server)
    {
        Assert.False(ConnectionOptions.TryResolve(new GlobalSettings { Server = [server], ApiKey = Key }, NoEnvironment, "H", out _, out var error));

        Assert.Contains("refusing to send the API key over plain http://", error, StringComparison.Ordinal);
        Assert.Contains("loopback", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_ApiKeyFromEnvironmentOverRemoteHttp_Refused()
    {
        var environment = new Dictionary<string, string?>
        {
            [ConnectionOptions.ServerVariable] = "http://10.0.0.5:5080",
            [ConnectionOptions.ApiKeyVariable] = Key,
        };

        Assert.False(ConnectionOptions.TryResolve(new GlobalSettings(), k => environment.GetValueOrDefault(k), "H", out _, out var error));
        Assert.DoesNotContain(Key, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_ApiKeyOverHttps_AllowedWithoutInsecureFlag()
    {
        var settings = new GlobalSettings { Server = ["https://elicense.example:8443"], ApiKey = Key };

        Assert.True(ConnectionOptions.TryResolve(settings, NoEnvironment, "H", out var options, out _));

        Assert.False(options.SendsCredentialsInsecurely);
        Assert.Equal(Key, options.ApiKey?.Reveal());
    }

    [Fact]
    public void TryResolve_NoApiKey_NothingSentInsecurely()
    {
        Assert.True(ConnectionOptions.TryResolve(new GlobalSettings { Server = ["http://10.0.0.5:5080"] }, NoEnvironment, "H", out var options, out _));

        Assert.Null(options.ApiKey);
        Assert.False(options.SendsCredentialsInsecurely);
    }

    [Fact]
    public void TryResolve_EnvironmentDefaults_UsedForKeyCertAndCa()
    {
        var environment = new Dictionary<string, string?>
        {
            [ConnectionOptions.ServerVariable] = "https://elicense.example",
            [ConnectionOptions.ApiKeyVariable] = Key,
            [ConnectionOptions.CertVariable] = "/etc/inspector/client.pem",
            [ConnectionOptions.CertKeyVariable] = "/etc/inspector/client.key",
            [ConnectionOptions.CertPasswordVariable] = "pw",
            [ConnectionOptions.CaVariable] = "/etc/inspector/ca.pem",
        };

        Assert.True(ConnectionOptions.TryResolve(new GlobalSettings(), k => environment.GetValueOrDefault(k), "H", out var options, out _));

        Assert.Equal(Key, options.ApiKey?.Reveal());
        Assert.Equal("/etc/inspector/client.pem", options.CertificateFile);
        Assert.Equal("/etc/inspector/client.key", options.CertificateKeyFile);
        Assert.Equal("pw", options.CertificatePassword?.Reveal());
        Assert.Equal("/etc/inspector/ca.pem", options.CaFile);
    }

    [Theory]
    [InlineData("--cert", "http://127.0.0.1:5080")]
    [InlineData("--ca", "http://127.0.0.1:5080")]
    public void TryResolve_TlsFileWithHttp_Refused(string option, string server)
    {
        var settings = option == "--cert"
            ? new GlobalSettings { Server = [server], Cert = "client.pem", CertKey = "client.key" }
            : new GlobalSettings { Server = [server], Ca = "ca.pem" };

        Assert.False(ConnectionOptions.TryResolve(settings, NoEnvironment, "H", out _, out var error));
        Assert.Contains("https://", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_CertKeyWithoutCert_Refused()
    {
        var settings = new GlobalSettings { Server = ["https://elicense.example"], CertKey = "client.key" };

        Assert.False(ConnectionOptions.TryResolve(settings, NoEnvironment, "H", out _, out var error));
        Assert.Contains("--cert-key goes with --cert", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("tab\tkey")]
    [InlineData("ключ")]
    public void TryResolve_ApiKeyNotHeaderSafe_RefusedWithoutShowingKey(string key)
    {
        Assert.False(ConnectionOptions.TryResolve(new GlobalSettings { ApiKey = key }, NoEnvironment, "H", out _, out var error));

        Assert.Contains("API key", error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_OptionsWithSecrets_HidesThem()
    {
        var settings = new GlobalSettings { Server = ["https://elicense.example"], ApiKey = Key, Cert = "c.pfx", CertPassword = "pfx-pass-123" };
        Assert.True(ConnectionOptions.TryResolve(settings, NoEnvironment, "H", out var options, out _));

        var text = options.ToString();

        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("pfx-pass-123", text, StringComparison.Ordinal);
        Assert.Contains(Secret.Mask, text, StringComparison.Ordinal);
    }
}
