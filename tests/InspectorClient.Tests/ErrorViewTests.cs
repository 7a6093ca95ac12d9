using ELicense.Inspector.Rendering;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Spectre.Console.Testing;
using GrpcStatus = Grpc.Core.Status;
using RpcStatus = Google.Rpc.Status;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Tests;

public sealed class ErrorViewTests
{
    private static readonly Uri Server = new("http://127.0.0.1:5080");

    [Fact]
    public void Describe_UnavailableFromTransport_SaysCannotReachServer()
    {
        var exception = new RpcException(new GrpcStatus(
            StatusCode.Unavailable, "Error connecting to subchannel.", new HttpRequestException("Connection refused")));

        var lines = ErrorView.Describe(exception, Server, TimeSpan.FromSeconds(5));

        Assert.Equal("UNAVAILABLE: cannot reach server at http://127.0.0.1:5080/ (is it running?)", Assert.Single(lines));
    }

    [Fact]
    public void Describe_UnavailableSentByServer_ShowsServerMessage()
    {
        var exception = new RpcException(new GrpcStatus(StatusCode.Unavailable, "registry unreachable and nothing cached"));

        var line = Assert.Single(ErrorView.Describe(exception, Server, TimeSpan.FromSeconds(5)));

        Assert.Equal("UNAVAILABLE: registry unreachable and nothing cached", line);
    }

    [Fact]
    public void Describe_DeadlineExceeded_NamesTheDeadline()
    {
        var exception = new RpcException(new GrpcStatus(StatusCode.DeadlineExceeded, ""));

        var line = Assert.Single(ErrorView.Describe(exception, Server, TimeSpan.FromSeconds(2.5)));

        Assert.StartsWith("DEADLINE_EXCEEDED: no answer from http://127.0.0.1:5080/ within 2.5s", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_RichInvalidArgument_ListsFieldViolationsAndReason()
    {
        var status = new RpcStatus
        {
            Code = (int)Code.InvalidArgument,
            Message = "the request is not valid",
            Details =
            {
                Any.Pack(new BadRequest
                {
                    FieldViolations =
                    {
                        new BadRequest.Types.FieldViolation { Field = "license_number", Description = "check character does not match" },
                        new BadRequest.Types.FieldViolation { Field = "device_id", Description = "must not be empty" },
                    },
                }),
                Any.Pack(new ErrorInfo { Reason = "INVALID_LICENSE_NUMBER", Domain = "elicense.v1" }),
            },
        };

        var lines = ErrorView.Describe(status.ToRpcException(), Server, TimeSpan.FromSeconds(5));

        Assert.Equal(
            [
                "INVALID_ARGUMENT: the request is not valid",
                "  license_number: check character does not match",
                "  device_id: must not be empty",
                "  reason: INVALID_LICENSE_NUMBER (elicense.v1)",
            ],
            lines);
    }

    [Fact]
    public void WriteRpc_NotFound_WritesOneRedLine()
    {
        var console = new TestConsole();

        ErrorView.WriteRpc(console, new RpcException(new GrpcStatus(StatusCode.NotFound, "no such licence")), Server, TimeSpan.FromSeconds(5));

        Assert.Equal("error: NOT_FOUND: no such licence", console.Output.Trim());
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "INVALID_ARGUMENT")]
    [InlineData(StatusCode.OK, "OK")]
    [InlineData(StatusCode.ResourceExhausted, "RESOURCE_EXHAUSTED")]
    public void CodeName_StatusCode_IsProtocolSpelling(StatusCode code, string expected)
    {
        Assert.Equal(expected, ErrorView.CodeName(code));
    }
}
