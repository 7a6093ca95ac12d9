using ELicense.Client.Connection;
using ELicense.Inspector.Commands;

namespace ELicense.Inspector.Tests.Replicas;

public sealed class ServerAddressesTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static ConnectionOptions Resolve(GlobalSettings settings, Func<string, string?>? environment = null)
    {
        Assert.True(ConnectionOptions.TryResolve(settings, environment ?? NoEnvironment, "H", out var options, out var error), error);
        return options;
    }

    private static string Refuse(GlobalSettings settings, Func<string, string?>? environment = null)
    {
        Assert.False(ConnectionOptions.TryResolve(settings, environment ?? NoEnvironment, "H", out _, out var error));
        return error;
    }

    [Fact]
    public void TryResolve_ServerRepeated_BalancesOverAllInOrder()
    {
        var options = Resolve(new GlobalSettings { Server = ["http://127.0.0.1:5081", "http://127.0.0.1:5082"] });

        Assert.True(options.IsBalanced);
        Assert.Equal([new Uri("http://127.0.0.1:5081"), new Uri("http://127.0.0.1:5082")], options.Servers);
        Assert.Equal(new Uri("http://127.0.0.1:5081"), options.Server);
    }

    [Fact]
    public void TryResolve_CommaSeparatedWithSpaces_SplitsEveryValue()
    {
        var options = Resolve(new GlobalSettings { Server = ["https://a.example:8443, https://b.example:8443", "https://c.example:8443"] });

        Assert.Equal(["a.example", "b.example", "c.example"], options.Servers.Select(s => s.Host));
    }

    [Fact]
    public void TryResolve_EnvironmentCommaSeparated_BalancesOverAll()
    {
        var options = Resolve(new GlobalSettings(), k => k == ConnectionOptions.ServerVariable ? "http://127.0.0.1:1,http://127.0.0.1:2" : null);

        Assert.Equal(2, options.Servers.Count);
    }

    [Fact]
    public void TryResolve_OneAddress_IsNotBalanced()
    {
        var options = Resolve(new GlobalSettings { Server = ["http://10.0.0.5:5080"] });

        Assert.False(options.IsBalanced);
        Assert.Equal([new Uri("http://10.0.0.5:5080")], options.Servers);
    }

    [Fact]
    public void TryResolve_SameReplicaTwice_KeepsItOnce()
    {
        var options = Resolve(new GlobalSettings { Server = ["http://127.0.0.1:5081", "http://127.0.0.1:5081/", "http://127.0.0.1:5082"] });

        Assert.Equal(2, options.Servers.Count);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5081,127.0.0.1:5082", "127.0.0.1:5082")]
    [InlineData("http://127.0.0.1:5081,ftp://host", "ftp://host")]
    public void TryResolve_OneBadAddressAmongGood_NamesTheBadOne(string value, string bad)
    {
        var error = Refuse(new GlobalSettings { Server = [value] });

        Assert.Contains("--server", error, StringComparison.Ordinal);
        Assert.Contains($"\"{bad}\"", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5081,,http://127.0.0.1:5082")]
    [InlineData("http://127.0.0.1:5081,")]
    public void TryResolve_EmptyEntry_FailsWithUsageMessage(string value) =>
        Assert.Contains("empty address", Refuse(new GlobalSettings { Server = [value] }), StringComparison.Ordinal);

    [Fact]
    public void TryResolve_MixedSchemes_Fails() =>
        Assert.Contains("http:// or all https://", Refuse(new GlobalSettings { Server = ["http://127.0.0.1:1,https://127.0.0.1:2"] }), StringComparison.Ordinal);

    [Fact]
    public void TryResolve_MoreThanSixteen_Fails()
    {
        var many = string.Join(",", Enumerable.Range(1, ServerAddresses.MaxAddresses + 1).Select(i => $"http://127.0.0.1:{5000 + i}"));

        Assert.Contains("at most 16", Refuse(new GlobalSettings { Server = [many] }), StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_ApiKeyAndOneRemoteHttpReplica_RefusesNamingIt()
    {
        var error = Refuse(new GlobalSettings { Server = ["http://127.0.0.1:5081,http://10.9.8.7:5082"], ApiKey = "officer-key-123" });

        Assert.Contains("10.9.8.7", error, StringComparison.Ordinal);
        Assert.DoesNotContain("officer-key-123", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Servers_CopyWithOtherServer_FallsBackToThatServer()
    {
        var options = Resolve(new GlobalSettings { Server = ["http://127.0.0.1:5081,http://127.0.0.1:5082"] });

        var copy = options with { Server = new Uri("http://127.0.0.1:6000") };

        Assert.Equal([new Uri("http://127.0.0.1:6000")], copy.Servers);
    }
}
