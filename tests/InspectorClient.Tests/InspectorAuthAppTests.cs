using System.Net;
using System.Net.Sockets;
using Spectre.Console.Testing;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Tests;

/// <summary>The command line around authentication and purpose: usage errors, help, and the API key staying out of every output.</summary>
public sealed class InspectorAuthAppTests
{
    private const string Key = "k3y-SUPER-s3cret";
    private const string Number = "11010119900307803X";

    private readonly TestConsole _output = new TestConsole().Width(200);
    private readonly TestConsole _error = new TestConsole().Width(200);

    private Task<int> RunAsync(IReadOnlyDictionary<string, string?> variables, params string[] args)
    {
        var environment = new InspectorEnvironment(
            _output, _error, new StringReader(""), Samples.Clock(), k => variables.GetValueOrDefault(k), "test-host");
        return InspectorApp.RunAsync(environment, args, TestContext.Current.CancellationToken);
    }

    private Task<int> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    private string AllOutput => _output.Output + _error.Output;

    private static string ClosedServer(string host = "127.0.0.1")
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://{host}:{port}";
    }

    [Theory]
    [InlineData("license", Number)]
    [InlineData("violations", "--license", Number)]
    public async Task Run_LookupByNumberWithoutPurpose_ExitsTwoListingPurposes(params string[] args)
    {
        var code = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--purpose", _error.Output, StringComparison.Ordinal);
        Assert.Contains("roadside-check", _error.Output, StringComparison.Ordinal);
        Assert.Contains("other-public-service", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownPurpose_ExitsTwo()
    {
        Assert.Equal(ExitCodes.Usage, await RunAsync("license", Number, "--purpose", "curiosity"));
        Assert.Contains("unknown --purpose", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ViolationsByPlateWithoutPurpose_GoesToTheServer()
    {
        var code = await RunAsync("violations", "--plate", "京A12345", "--plate-type", "02", "--server", ClosedServer(), "--retries", "0");

        Assert.Equal(ExitCodes.RpcFailure, code);
    }

    [Fact]
    public async Task Run_ApiKeyToRemoteHttpHost_ExitsTwoWithoutShowingKey()
    {
        var code = await RunAsync("license", Number, "--purpose", "roadside-check", "--server", "http://10.20.30.40:5080", "--api-key", Key);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("refusing to send the API key over plain http:// to 10.20.30.40", _error.Output.ReplaceLineEndings(""), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ApiKeyFromEnvironmentToRemoteHttpHost_ExitsTwo()
    {
        var variables = new Dictionary<string, string?> { ["ELICENSE_API_KEY"] = Key, ["ELICENSE_SERVER"] = "http://elicense.example" };

        Assert.Equal(ExitCodes.Usage, await RunAsync(variables, "keys"));
        Assert.DoesNotContain(Key, AllOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cert", "client.pem", "--cert-key", "client.key")]
    [InlineData("--ca", "ca.pem")]
    public async Task Run_TlsOptionWithHttpServer_ExitsTwo(params string[] tlsArgs)
    {
        var code = await RunAsync(["keys", "--server", "http://127.0.0.1:5080", .. tlsArgs]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("https://", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingCertificateFile_ExitsTwoNamingIt()
    {
        var code = await RunAsync("keys", "--server", "https://127.0.0.1:1", "--cert", "/nonexistent/client.pem", "--cert-key", "/nonexistent/client.key");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("/nonexistent/client.pem", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ApiKeyToLoopbackServerDown_ExitsThreeWithoutShowingKey()
    {
        var code = await RunAsync("checks", Number, "--server", ClosedServer(), "--retries", "1", "--api-key", Key);

        Assert.Equal(ExitCodes.RpcFailure, code);
        Assert.Contains("UNAVAILABLE", _error.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, AllOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys", "--api-key", Key, "--deadline", "soon")]
    [InlineData("frobnicate", "--api-key", Key)]
    [InlineData("keys", "--api-key=" + Key, "--retries", "many")]
    [InlineData("keys", "--api-key", "with space " + Key)]
    [InlineData("license", "--api-key", Key)]
    [InlineData("license", Number, "--purpose", "nosy", "--api-key", Key)]
    [InlineData("keys", "--cert-password", Key, "--server", "http://127.0.0.1:5080")]
    public async Task Run_UsageErrorWithSecret_SecretNeverShown(params string[] args)
    {
        var code = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.NotEqual("", _error.Output);
        Assert.DoesNotContain(Key, AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Help_DocumentsAuthenticationOptionsAndChecks()
    {
        Assert.Equal(0, await RunAsync("--help"));
        foreach (var text in new[] { "checks", "Holder: list who checked your licence and when", "ELICENSE_API_KEY", "ELICENSE_CERT", "ELICENSE_CERT_KEY", "ELICENSE_CA" })
        {
            Assert.Contains(text, _output.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_CommandHelp_ListsAuthOptionsAndPurpose()
    {
        Assert.Equal(0, await RunAsync("license", "--help"));
        foreach (var option in new[] { "--api-key", "--cert", "--cert-key", "--cert-password", "--ca", "--purpose", "roadside-check" })
        {
            Assert.Contains(option, _output.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SecretArguments_BothForms_AreFound()
    {
        Assert.Equal(
            [Key, "pw1"],
            InspectorApp.SecretArguments(["keys", "--api-key", Key, "--cert-password=pw1", "--server", "x"]));
    }
}
