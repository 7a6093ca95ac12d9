using System.Diagnostics;
using Xunit;

namespace ELicense.IntegrationTests.Scripts;

/// <summary>
/// The operator scripts that bring the multi-host shape up (scripts/cluster.sh, scripts/demo.sh and the part
/// they share, scripts/lib/common.sh) and measure the per-unit sizing figures (bench/capacity.sh) and the
/// replicas' and the failover guarantee's costs (bench/replicas.sh, bench/replay-wait.sh), and every other script under
/// scripts/ and bench/, parse; cluster.sh answers --help and refuses an argument without starting anything. Running them in full takes minutes and starts a dozen processes: that is the
/// scripts' own job, not a unit of CI.
/// </summary>
public sealed class ScriptTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly string[] ScriptFolders = ["scripts", "bench"];

    [Theory]
    [InlineData("scripts/cluster.sh")]
    [InlineData("scripts/demo.sh")]
    [InlineData("scripts/pg-throwaway.sh")]
    [InlineData("scripts/lib/common.sh")]
    [InlineData("bench/audit-cost.sh")]
    [InlineData("bench/audit-replicas.sh")]
    [InlineData("bench/auth-audit-cost.sh")]
    [InlineData("bench/capacity.sh")]
    [InlineData("bench/compare-verify.sh")]
    [InlineData("bench/engines.sh")]
    [InlineData("bench/inspector-vs-h2load.sh")]
    [InlineData("bench/replay-wait.sh")]
    [InlineData("bench/replicas.sh")]
    [InlineData("bench/roadside.sh")]
    [InlineData("bench/run.sh")]
    [InlineData("bench/uniform-lookups.sh")]
    [InlineData("bench/writer-check.sh")]
    public async Task BashSyntaxCheck_OperatorScript_Parses(string script)
    {
        var (code, _, error) = await RunAsync("-n", Path.Combine(RepositoryRoot(), script));

        Assert.True(code == 0, $"bash -n {script} failed: {error}");
    }

    // The list above is written out so each script is its own named case; this keeps a new script from
    // being left out of it (bench/writer-check.sh once was).
    [Fact]
    public void BashSyntaxCheck_EveryScriptUnderScriptsAndBench_IsListed()
    {
        var root = RepositoryRoot();
        var onDisk = ScriptFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.sh", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        var listed = typeof(ScriptTests).GetMethod(nameof(BashSyntaxCheck_OperatorScript_Parses))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(data => (string)data.Data[0]!)
            .Order(StringComparer.Ordinal);

        Assert.Equal(onDisk, listed);
    }

    [Fact]
    public async Task ClusterScript_Help_DescribesThePartsAndExitsZero()
    {
        var (code, output, error) = await RunAsync(Path.Combine(RepositoryRoot(), "scripts/cluster.sh"), "--help");

        Assert.True(code == 0, $"cluster.sh --help exited {code}: {error}");
        Assert.Contains("6-node Redis Cluster", output);
        Assert.Contains("--server a,b,c", output);
        Assert.Contains("KEEP=1", output);
        Assert.Contains("port + 10000", output);
        Assert.DoesNotContain("set -euo", output); // the text ends where the code begins
    }

    [Fact]
    public async Task ClusterScript_UnknownArgument_ExitsTwoNamingIt()
    {
        var (code, output, error) = await RunAsync(Path.Combine(RepositoryRoot(), "scripts/cluster.sh"), "--bogus");

        Assert.Equal(2, code);
        Assert.Contains("'--bogus'", error);
        Assert.DoesNotContain("==", output); // refused before its first step
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Bound, TestContext.Current.CancellationToken);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ELicense.slnx")))
                return directory.FullName;
        }

        throw new InvalidOperationException($"No ELicense.slnx above {AppContext.BaseDirectory}");
    }
}
