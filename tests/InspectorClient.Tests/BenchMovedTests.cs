using Spectre.Console.Testing;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Tests;

/// <summary>The load generator is its own program (elicense-bench): the inspector neither offers it nor leaks its key.</summary>
public sealed class BenchMovedTests
{
    private readonly TestConsole _output = new TestConsole().Width(200);
    private readonly TestConsole _error = new TestConsole().Width(200);

    private Task<int> RunAsync(params string[] args)
    {
        var environment = new InspectorEnvironment(_output, _error, new StringReader(""), Samples.Clock(), _ => null, "test-host");
        return InspectorApp.RunAsync(environment, args, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Run_Help_ListsNeitherBenchNorTheGateExitCode()
    {
        var code = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.DoesNotContain("bench", _output.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("gate", _output.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("RPC failure", _output.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OldBenchCommandWithRegistryKey_IsAUsageErrorThatNeverEchoesTheKey()
    {
        var code = await RunAsync("bench", "verify", "--keys", "keys.txt", "--registry-api-key", "registry-secret-42");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("bench", _error.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("registry-secret-42", _error.Output + _output.Output, StringComparison.Ordinal);
    }
}
