using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Google.Rpc;
using Grpc.Core;
using Xunit;
using static ELicense.IntegrationTests.Refusals.RawCalls;

namespace ELicense.IntegrationTests.Refusals;

/// <summary>
/// Bytes that are not a request, sent by a hand-built client: refused as the caller's error
/// (INVALID_ARGUMENT naming the field), audited, logged in one short line, and charged to the rate limit.
/// </summary>
public sealed class HostileBytesTests(RefusalServer fixture) : IClassFixture<RefusalServer>
{
    private const string Verification = "elicense.v1.VerificationService";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Cases => new("qr_payload", "device_id", "license_number", "garbage");

    /// <summary>The method, the request bytes and the field the refusal must name (null: not protobuf at all).</summary>
    private static (string Method, byte[] Bytes, string? Field) Case(string name) => name switch
    {
        "qr_payload" => ("VerifyCredential", Message(Field(1, BadUtf8), Field(2, "handheld-1")), "qr_payload"),
        "device_id" => ("VerifyCredential", Message(Field(1, "EDL1:anything"), Field(2, BadUtf8)), "device_id"),
        "license_number" => ("GetLicense", Message(Field(1, BadUtf8), Varint(2, 1)), "license_number"),
        _ => ("GetLicense", Garbage, null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UnaryCall_HostileBytes_InvalidArgumentNamingTheFieldAuditedAndLoggedWithoutStackTrace(string name)
    {
        var (method, bytes, field) = Case(name);
        var invoker = fixture.Server.As(TestCallers.Officer);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            invoker.AsyncUnaryCall(Unary(Verification, method), null, new CallOptions(cancellationToken: Ct), bytes).ResponseAsync);
        var records = await fixture.FlushAsync();

        Assert.True(e.StatusCode == StatusCode.InvalidArgument,
            $"{e.Status}; the server logged: " + string.Join('\n', LogCapture.Instance.Lines.Where(l => l.Contains("Error when executing", StringComparison.Ordinal)).Take(1)));
        var status = TestData.RichStatus(e);
        Assert.Equal("MALFORMED_REQUEST", status.GetDetail<ErrorInfo>()!.Reason);
        if (field is null)
        {
            Assert.Null(status.GetDetail<BadRequest>());
            Assert.Contains("not a valid elicense.v1.GetLicenseRequest", e.Status.Detail, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(field, Assert.Single(status.GetDetail<BadRequest>()!.FieldViolations).Field);
        }

        var record = Assert.Single(records, r => r.CallerId == TestCallers.Officer.Id && r.Method == method);
        Assert.Equal(nameof(StatusCode.InvalidArgument), record.Result);
        Assert.Equal(1, record.Count);
        var lines = LogCapture.Instance.Lines.ToList();
        var line = Assert.Single(lines, l => l.Contains($"Refused 1 malformed request(s) to {method} from {TestCallers.Officer.Id}: {e.Status.Detail}", StringComparison.Ordinal));
        Assert.StartsWith("Warning ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line.Split(e.Status.Detail)[1], StringComparison.Ordinal);
        // What the handler used to log per call: the deserialiser's exception with its stack trace.
        Assert.DoesNotContain(lines, l => l.Contains("InvalidProtocolBufferException", StringComparison.Ordinal)
            || l.Contains("DecoderFallbackException", StringComparison.Ordinal) || l.Contains("Exception was thrown by handler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyCredentials_BadUtf8MidStream_EndsStreamWithInvalidArgumentAndIsAudited()
    {
        var invoker = fixture.Server.As(TestCallers.Officer);
        using var call = invoker.AsyncDuplexStreamingCall(Duplex(Verification, "VerifyCredentials"), null, new CallOptions(cancellationToken: Ct));

        await call.RequestStream.WriteAsync(Message(Field(1, "EDL1:not-a-credential"), Field(2, "handheld-1"), Field(100, "r1")), Ct);
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        var first = VerifyCredentialsResponse.Parser.ParseFrom(call.ResponseStream.Current);
        await call.RequestStream.WriteAsync(Message(Field(1, BadUtf8), Field(2, "handheld-1"), Field(100, "r2")), Ct);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Ct));
        var records = await fixture.FlushAsync();

        Assert.Equal("r1", first.RequestId); // the stream worked until the bad message
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("qr_payload", Assert.Single(TestData.RichStatus(e).GetDetail<BadRequest>()!.FieldViolations).Field);
        var record = Assert.Single(records, r => r.Method == "VerifyCredentials");
        Assert.Equal((TestCallers.Officer.Id, nameof(StatusCode.InvalidArgument), 1), (record.CallerId, record.Result, record.Count));
    }

    [Fact]
    public async Task UnaryCall_FloodOfHostileBytes_RateLimitedAndAggregatedIntoOneRecordAndOneLogLinePerResult()
    {
        var invoker = fixture.Server.As(TestCallers.SlowOfficer); // 5 per second
        var (method, bytes, _) = Case("license_number");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => RefusalServer.StatusOfAsync(() =>
            invoker.AsyncUnaryCall(Unary(Verification, method), null, new CallOptions(cancellationToken: Ct), bytes).ResponseAsync)));
        var records = await fixture.FlushAsync();

        var invalid = statuses.Count(s => s == StatusCode.InvalidArgument);
        var limited = statuses.Count(s => s == StatusCode.ResourceExhausted);
        Assert.Equal(30, invalid + limited);
        Assert.InRange(invalid, 1, 29); // the one-second burst of 5 and the refills while the flood lasts
        var mine = records.Where(r => r.CallerId == TestCallers.SlowOfficer.Id && r.Method == method).ToList();
        Assert.Equal(invalid, Assert.Single(mine, r => r.Result == nameof(StatusCode.InvalidArgument)).Count);
        Assert.Equal(limited, Assert.Single(mine, r => r.Result == nameof(StatusCode.ResourceExhausted)).Count);
        Assert.Single(LogCapture.Instance.Lines, l => l.Contains($"malformed request(s) to {method} from {TestCallers.SlowOfficer.Id}", StringComparison.Ordinal));
    }
}
