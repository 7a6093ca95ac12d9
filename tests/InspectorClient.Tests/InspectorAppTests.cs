using System.Net;
using System.Net.Sockets;
using Spectre.Console.Testing;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Tests;

public sealed class InspectorAppTests
{
    private readonly TestConsole _output = new TestConsole().Width(200);
    private readonly TestConsole _error = new TestConsole().Width(200);

    private Task<int> RunAsync(string stdin, params string[] args) => RunAsync(stdin, TestContext.Current.CancellationToken, args);

    private Task<int> RunAsync(string stdin, CancellationToken cancellationToken, params string[] args)
    {
        var environment = new InspectorEnvironment(_output, _error, new StringReader(stdin), Samples.Clock(), _ => null, "test-host");
        return InspectorApp.RunAsync(environment, args, cancellationToken);
    }

    /// <summary>A loopback URL nobody listens on: a port the OS just handed out and took back.</summary>
    private static string ClosedServer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    [Fact]
    public async Task Run_Help_ListsCommandsAndExitCodes()
    {
        var code = await RunAsync("", "--help");

        Assert.Equal(0, code);
        foreach (var command in new[] { "verify", "license", "violations", "vehicle", "transfer", "keys", "issue" })
        {
            Assert.Contains(command, _output.Output, StringComparison.Ordinal);
        }

        Assert.Contains("EXIT CODES", _output.Output, StringComparison.Ordinal);
        Assert.Contains("RPC failure", _output.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ServerUnreachable_ExitsThreeWithClearMessage()
    {
        var server = ClosedServer();

        var code = await RunAsync("", "license", "11010119900307803X", "--purpose", "roadside-check", "--server", server, "--retries", "0");

        Assert.Equal(ExitCodes.RpcFailure, code);
        Assert.Contains($"UNAVAILABLE: cannot reach server at {server}/ (is it running?)", _error.Output, StringComparison.Ordinal);
        Assert.Equal("", _output.Output);
    }

    [Fact]
    public async Task Run_ServerUnreachableWithRetry_RetriesThenExitsThree()
    {
        var code = await RunAsync("", "keys", "--server", ClosedServer(), "--retries", "1");

        Assert.Equal(ExitCodes.RpcFailure, code);
        Assert.Contains("retrying (1/1) after UNAVAILABLE", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_VerifyFromStdinServerUnreachable_ReadsLineThenExitsThree()
    {
        var code = await RunAsync("EDL1:ABC\n", "verify", "--server", ClosedServer(), "--retries", "0", "--json");

        Assert.Equal(ExitCodes.RpcFailure, code);
        Assert.Equal("", _output.Output);
    }

    [Theory]
    [InlineData("roadside", "--mark", "EVM1:X")]                                                  // no licence
    [InlineData("roadside", "--license", "EDL1:X")]                                               // no vehicle
    [InlineData("roadside", "--license", "EDL1:X", "--mark", "EVM1:X", "--vin", "LSVAU2180N2183294")] // the vehicle twice
    [InlineData("transfer", "--mark", "EVM1:X", "--plate", "京A12345", "--plate-type", "02")]
    [InlineData("mark")]
    public async Task Run_RoadsideTransferOrMarkWithoutOneVehicle_ExitsTwo(params string[] args)
    {
        var code = await RunAsync("", [.. args, "--server", ClosedServer(), "--retries", "0"]);

        Assert.Equal(ExitCodes.Usage, code);
    }

    [Fact]
    public async Task Run_RoadsideServerUnreachable_ExitsThree()
    {
        var code = await RunAsync("", "roadside", "--license", "EDL1:X", "--mark", "EVM1:X", "--server", ClosedServer(), "--retries", "0", "--json");

        Assert.Equal(ExitCodes.RpcFailure, code);
    }

    [Fact]
    public async Task Run_VerifyEmptyStdin_ExitsTwo()
    {
        var code = await RunAsync("", "verify", "-");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("no QR payload given", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_VerifyPayloadOverTheLargestPublishableLimit_ExitsTwoWithoutCalling()
    {
        var code = await RunAsync("EDL1:" + new string('A', 8192) + "\n", "verify", "-", "--server", ClosedServer(), "--retries", "0");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("longer than 8192 characters", _error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_VerifyPayloadOverTheDefaultLimit_IsLeftToTheServer()
    {
        // 3000 characters: over the default server's 2048, within what a server may be configured to accept.
        var code = await RunAsync("EDL1:" + new string('A', 3000) + "\n", "verify", "-", "--server", ClosedServer(), "--retries", "0");

        Assert.Equal(ExitCodes.RpcFailure, code);
    }

    [Theory]
    [InlineData("license", "11010119900307803X", "--server", "localhost:5080")]
    [InlineData("vehicle", "--plate", "京A12345")]
    [InlineData("vehicle", "--plate", "京A12345", "--plate-type", "02", "--vin", "LSVAU2180N2183294")]
    [InlineData("transfer")]
    [InlineData("violations", "--plate", "京A12345", "--plate-type", "99")]
    [InlineData("violations", "--license", "11010119900307803X", "--page-size", "500")]
    [InlineData("issue", "11010119900307803X", "--qr", "--no-qr")]
    [InlineData("license")]
    [InlineData("frobnicate")]
    [InlineData("keys", "--retries", "many")]
    public async Task Run_UsageError_ExitsTwo(params string[] args)
    {
        var code = await RunAsync("", args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.NotEqual("", _error.Output);
    }

    [Fact]
    public void NormaliseArguments_LoneDash_BecomesStdinFlag()
    {
        Assert.Equal(["verify", "--stdin", "--device", "gate-3"], InspectorApp.NormaliseArguments(["verify", "-", "--device", "gate-3"]));
    }

    [Fact]
    public async Task Run_VerifyPayloadAndStdin_ExitsTwo()
    {
        var code = await RunAsync("EDL1:ABC\n", "verify", "EDL1:XYZ", "-");

        Assert.Equal(ExitCodes.Usage, code);
    }

    [Fact]
    public async Task Run_Cancelled_ExitsWithCancellationCode()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var code = await RunAsync("", cancellation.Token, "keys", "--server", ClosedServer(), "--retries", "0");

        Assert.Equal(ExitCodes.Cancelled, code);
    }
}
