
using System.Text.Json;
using ELicense.IntegrationTests.Infrastructure;
using Spectre.Console.Testing;
using Xunit;
using BenchApp = ELicense.Bench.BenchApp;
using InspectorEnvironment = ELicense.Client.Cli.InspectorEnvironment;

namespace ELicense.IntegrationTests;

/// <summary>elicense-bench (the load generator) against a real server: short, count-bounded runs whose JSON report must add up.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public sealed class BenchCommandTests(SharedEnvironment environment)
{
    private const int Count = 200;

    [Fact]
    public async Task Bench_LicenseCountBounded_AnswersEveryRequestOk()
    {
        var keys = await KeysFileAsync();

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (code, report, output) = await RunBenchAsync("license", "--keys", keys, "--count", $"{Count}", "--rate", "400", "--warmup", "0",
            "--max-error-rate", "0", "--max-p99", "2s");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.True(code == 0, output);
        var requests = report.GetProperty("requests");
        Assert.Equal(Count, requests.GetProperty("completed").GetInt64());
        Assert.Equal(Count, requests.GetProperty("ok").GetInt64());
        Assert.Equal(0, requests.GetProperty("errors").GetInt64());
        Assert.Equal(Count, report.GetProperty("statusCodes").GetProperty("OK").GetInt64());
        Assert.Equal("license", report.GetProperty("operations")[0].GetProperty("name").GetString());
        Assert.True(report.GetProperty("passed").GetBoolean());
        // The measured window by the wall clock, for matching the server's own figures (bench/run.sh: CPU per call).
        var window = report.GetProperty("window");
        var from = window.GetProperty("fromUnixMs").GetInt64();
        var to = window.GetProperty("toUnixMs").GetInt64();
        Assert.InRange(from, before - 1000, to);
        Assert.InRange(to, from, after + 1000);
        Assert.InRange(to - from, (long)(report.GetProperty("measuredSeconds").GetDouble() * 1000) - 5, (long)(report.GetProperty("measuredSeconds").GetDouble() * 1000) + 5);
    }

    [Fact]
    public async Task Bench_VerifyCountBounded_EveryScanAFirstScanOfAFreshCredential()
    {
        var keys = await KeysFileAsync();

        var (code, report, output) = await RunBenchAsync("verify", "--keys", keys, "--count", $"{Count}", "--rate", "400", "--warmup", "0",
            "--registry-api-key", TestCallers.Registry.Key, "--connections", "2");

        Assert.True(code == 0, output);
        Assert.Equal(Count, report.GetProperty("requests").GetProperty("ok").GetInt64());
        // Fresh credentials of normal licences: every verdict VALID, none a replay.
        Assert.Equal(Count, report.GetProperty("verdicts").GetProperty("VERDICT_VALID").GetInt64());
        var credentials = report.GetProperty("credentials");
        Assert.Equal(Count, credentials.GetProperty("sent").GetInt64());
        Assert.True(credentials.GetProperty("mintedBeforeRun").GetInt64() >= Count);
        Assert.Equal(0, credentials.GetProperty("poolEmpty").GetInt64());
    }

    /// <summary>A keys file of a few normal licences created for this test.</summary>
    private async Task<string> KeysFileAsync()
    {
        var numbers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            numbers.Add((await TestData.CreateLicenseAsync(environment.ServerA)).LicenseNumber);
        }

        var path = Path.Combine(environment.DataDirectory, $"bench-keys-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(path, numbers, TestContext.Current.CancellationToken);
        return path;
    }

    private async Task<(int Code, JsonElement Report, string Output)> RunBenchAsync(params string[] args)
    {
        var json = Path.Combine(environment.DataDirectory, $"bench-{Guid.NewGuid():N}.json");
        var output = new TestConsole().Width(160);
        var error = new TestConsole().Width(160);
        var inspectorEnvironment = new InspectorEnvironment(output, error, new StringReader(""), TimeProvider.System,
            name => name == "ELICENSE_API_KEY" ? TestCallers.Officer.Key : null, "bench-test-host");

        var code = await BenchApp.RunAsync(inspectorEnvironment,
            [.. args, "--server", environment.ServerA.Address.ToString(), "--json", json, "--quiet"],
            TestContext.Current.CancellationToken);

        var text = output.Output + error.Output;
        Assert.True(File.Exists(json), text);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken));
        return (code, document.RootElement.Clone(), text);
    }
}
