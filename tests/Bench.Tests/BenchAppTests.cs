using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;
using ELicense.Client.Cli;

namespace ELicense.Bench.Tests;

public sealed class BenchAppTests
{
    private readonly TestConsole _output = new TestConsole().Width(200);
    private readonly TestConsole _error = new TestConsole().Width(200);

    private Task<int> RunAsync(params string[] args)
    {
        var environment = new InspectorEnvironment(_output, _error, new StringReader(""), new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 8, 30, 0, TimeSpan.Zero)), _ => null, "test-host");
        return BenchApp.RunAsync(environment, args, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Run_BenchHelp_ListsTheOptionsAndTheGateExitCode()
    {
        var code = await RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--rate", "--ramp", "--steps", "--concurrency", "--connections", "--mix", "--skew", "--max-p99", "--max-error-rate", "--hdr-log", "--registry-api-key" })
        {
            Assert.Contains(option, _output.Output, StringComparison.Ordinal);
        }

        Assert.Contains("a gate failed", _output.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BenchWithoutWorkload_ExitsTwoSayingWhatToGive()
    {
        var code = await RunAsync("--keys", "keys.txt");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("give a workload (license, verify, violations, vehicle, transfer, roadside) or --mix", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BenchBadRate_ExitsTwoWithTheReason()
    {
        var code = await RunAsync("license", "--keys", "keys.txt", "--rate", "fast");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--rate must be a rate in requests per second above 0", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BenchMissingKeysFile_ExitsTwoBeforeAnyCall()
    {
        var code = await RunAsync("license", "--keys", "/nonexistent/keys.txt", "--server", "http://127.0.0.1:1");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("cannot read --keys file", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BenchRegistryKeyInABadCommandLine_NeverEchoesTheKey()
    {
        var code = await RunAsync("verify", "--registry-api-key", "registry-secret-42", "--no-such-option");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.DoesNotContain("registry-secret-42", _error.Output + _output.Output, StringComparison.Ordinal);
    }

    // A parse error (an option without its value) makes Spectre's pretty error, which echoes the command line:
    // with a secret on it, only the plain message may be printed, whichever form gave the secret.
    [Theory]
    [InlineData("--api-key", false)]
    [InlineData("--api-key", true)]
    [InlineData("--cert-password", false)]
    [InlineData("--cert-password", true)]
    [InlineData("--registry-api-key", false)]
    [InlineData("--registry-api-key", true)]
    public async Task Run_SecretBeforeAParseError_ExitsTwoWithoutEchoingIt(string option, bool joined)
    {
        string[] secret = joined ? [option + "=secret-value-42"] : [option, "secret-value-42"];

        var code = await RunAsync(["verify", "--keys", "keys.txt", .. secret, "--rate"]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no value has been provided", _error.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-42", _error.Output + _output.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BenchRegistryKeyOverPlainHttpToARemoteHost_IsRefused()
    {
        var keys = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(keys, "11010119900307803X\n", TestContext.Current.CancellationToken);

            var code = await RunAsync("verify", "--keys", keys, "--server", "http://10.0.0.5:5080", "--registry-api-key", "registry-secret-42");

            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("refusing to send the registry API key over plain http:// to 10.0.0.5", _error.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("registry-secret-42", _error.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(keys);
        }
    }
}
