using ELicense.Inspector.Handheld;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Tests.Offline;
using Spectre.Console.Testing;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Tests;

/// <summary>The console and holder commands through the command line, as a pipe drives them.</summary>
public sealed class ConsoleAppTests : IDisposable
{
    private readonly TestConsole _output = new TestConsole().Width(140).Height(40);
    private readonly TestConsole _error = new TestConsole().Width(140);
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-app-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<int> RunAsync(string stdin, params string[] args)
    {
        var environment = new InspectorEnvironment(_output, _error, new StringReader(stdin), Samples.Clock(), name => name == "LANG" ? "en_US.UTF-8" : null, "test-host");
        return InspectorApp.RunAsync(environment, args, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Run_Help_ListsConsoleAndHolder()
    {
        var code = await RunAsync("", "--help");

        Assert.Equal(0, code);
        Assert.Contains("console", _output.Output, StringComparison.Ordinal);
        Assert.Contains("holder", _output.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoCommandOfflinePipedScan_ShowsOfflineVerdictAndQueuesIt()
    {
        using var issuer = new TestIssuer();
        new IssuerKeyCache(_directory).Save(issuer.Keys(Samples.Now));
        var payload = issuer.Issue(Samples.Now);

        var code = await RunAsync($"{payload}\nq\n", "--offline", "--cache-dir", _directory, "--officer", "wang", "--device", "hh-1");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("VALID — OFFLINE", _output.Output, StringComparison.Ordinal);
        Assert.Contains("OFFLINE — live status not checked", _output.Output, StringComparison.Ordinal);
        Assert.Contains("OFFLINE (--offline)", _output.Output, StringComparison.Ordinal);
        Assert.Contains("1 offline check(s) still queued", _output.Output, StringComparison.Ordinal);
        Assert.Equal(payload, Assert.Single(OfflineQueue.Load(_directory, Samples.Now).Items).Payload);
    }

    [Fact]
    public async Task Run_ConsoleInChinese_SpeaksChinese()
    {
        var code = await RunAsync("q\n", "console", "--offline", "--cache-dir", _directory, "--lang", "zh");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("电子驾驶证 路面查验终端", _output.Output, StringComparison.Ordinal);
        Assert.Contains("本班结束", _output.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("console", "--json")]
    [InlineData("console", "--lang", "fr")]
    [InlineData("console", "--probe-interval", "0")]
    [InlineData("holder")]
    [InlineData("holder", "11010119900307803X", "--count", "0")]
    public async Task Run_BadOptions_ExitTwo(params string[] args)
    {
        Assert.Equal(ExitCodes.Usage, await RunAsync("", args));
    }

    [Fact]
    public async Task Run_CacheDirectoryHeldByAnotherConsole_ExitsTwoNamingIt()
    {
        // The other console's lock, held the way a running console holds it.
        using var other = DeviceLock.Take(_directory);

        var code = await RunAsync("q\n", "console", "--offline", "--cache-dir", _directory);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("another inspector console is using the cache directory", _error.Output.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("ELicense roadside inspector", _output.Output, StringComparison.Ordinal);
    }
}
