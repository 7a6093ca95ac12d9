using ELicense.Inspector.Rendering;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Spectre.Console.Testing;
using GrpcStatus = Grpc.Core.Status;
using RpcStatus = Google.Rpc.Status;
using ELicense.Client.Cli;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Tests;

public sealed class AuthErrorViewTests
{
    private static readonly Uri Server = new("https://elicense.example/");

    internal static RpcException RateLimited(TimeSpan delay, string message = "too many lookups") => new RpcStatus
    {
        Code = (int)Code.ResourceExhausted,
        Message = message,
        Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }) },
    }.ToRpcException();

    [Fact]
    public void WriteRpc_Unauthenticated_SaysHowToAuthenticate()
    {
        var console = new TestConsole().Width(200);

        ErrorView.WriteRpc(console, new RpcException(new GrpcStatus(StatusCode.Unauthenticated, "no credentials")), Server, TimeSpan.FromSeconds(5));

        Assert.Equal(
            [
                "error: UNAUTHENTICATED: not authenticated: give --api-key (or ELICENSE_API_KEY) or a client certificate",
                "  server: no credentials",
            ],
            console.Lines.Select(l => l.TrimEnd()).Where(l => l.Length > 0));
    }

    [Fact]
    public void Describe_PermissionDenied_NamesTheRoleAndServerMessage()
    {
        var exception = new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "role holder may not call GetLicense"));

        var line = Assert.Single(ErrorView.Describe(exception, Server, TimeSpan.FromSeconds(5)));

        Assert.Equal("PERMISSION_DENIED: this caller's role may not do this: role holder may not call GetLicense", line);
    }

    [Fact]
    public void Describe_PermissionDeniedWithoutMessage_StillExplains()
    {
        var line = Assert.Single(ErrorView.Describe(new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "")), Server, TimeSpan.FromSeconds(5)));

        Assert.Equal("PERMISSION_DENIED: this caller's role may not do this", line);
    }

    [Fact]
    public void Describe_ResourceExhaustedWithRetryInfo_ShowsTheDelay()
    {
        var lines = ErrorView.Describe(RateLimited(TimeSpan.FromSeconds(1.2)), Server, TimeSpan.FromSeconds(5));

        Assert.Equal(["RESOURCE_EXHAUSTED: rate limited: retry in 1.2 s", "  server: too many lookups"], lines);
    }

    [Fact]
    public void Describe_ResourceExhaustedWithoutRetryInfo_ShowsServerMessage()
    {
        var exception = new RpcException(new GrpcStatus(StatusCode.ResourceExhausted, "message too large"));

        Assert.Equal("RESOURCE_EXHAUSTED: message too large", Assert.Single(ErrorView.Describe(exception, Server, TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public void WriteRpc_ServerEchoesTheApiKey_KeyIsRedacted()
    {
        const string key = "k3y-SUPER-s3cret";
        var console = new TestConsole().Width(200);
        var exception = new RpcException(new GrpcStatus(StatusCode.Unauthenticated, $"unknown key {key}"));

        ErrorView.WriteRpc(console, exception, Server, TimeSpan.FromSeconds(5), [new Secret(key)]);

        Assert.DoesNotContain(key, console.Output, StringComparison.Ordinal);
        Assert.Contains("unknown key ***", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.2, "1.2 s")]
    [InlineData(0.25, "0.25 s")]
    [InlineData(5, "5 s")]
    public void Seconds_Delay_IsShortText(double seconds, string expected)
    {
        Assert.Equal(expected, ErrorView.Seconds(TimeSpan.FromSeconds(seconds)));
    }
}
