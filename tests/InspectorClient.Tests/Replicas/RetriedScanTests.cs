using ELicense.Client.Connection;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ELicense.Inspector.Tests.Replicas;

public sealed class RetriedScanTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    private static VerifyCredentialResponse Repeat(TimeSpan firstScanBeforeVerdict) => new()
    {
        Verdict = Verdict.Valid,
        RepeatScan = true,
        VerifyTime = Timestamp.FromDateTimeOffset(Started.AddSeconds(2)),
        FirstScanTime = Timestamp.FromDateTimeOffset(Started.AddSeconds(2) - firstScanBeforeVerdict),
        Message = "Valid.",
    };

    [Fact]
    public void Reconcile_RepeatClaimedDuringThisCall_ShownAsFirstScan()
    {
        var shown = RetriedScan.Reconcile(Repeat(TimeSpan.FromSeconds(1.8)), Started, Started.AddSeconds(2));

        Assert.False(shown.RepeatScan);
        Assert.Null(shown.FirstScanTime);
        Assert.Equal(Verdict.Valid, shown.Verdict);
        Assert.Equal("Valid.", shown.Message);
    }

    [Fact]
    public void Reconcile_RepeatClaimedLongBeforeThisCall_StaysARepeat()
    {
        var response = Repeat(TimeSpan.FromMinutes(5));

        var shown = RetriedScan.Reconcile(response, Started, Started.AddSeconds(2));

        Assert.True(shown.RepeatScan);
        Assert.NotNull(shown.FirstScanTime);
    }

    [Theory]
    [InlineData(Verdict.Replayed)]
    [InlineData(Verdict.Valid)]
    public void Reconcile_NotARepeat_Unchanged(Verdict verdict)
    {
        var response = new VerifyCredentialResponse
        {
            Verdict = verdict,
            FirstScanTime = Timestamp.FromDateTimeOffset(Started),
            VerifyTime = Timestamp.FromDateTimeOffset(Started.AddSeconds(1)),
        };

        Assert.Same(response, RetriedScan.Reconcile(response, Started, Started.AddSeconds(2)));
    }

    [Fact]
    public void NeverSent_ConnectionRefused_True()
    {
        var refused = new RpcException(new Status(StatusCode.Unavailable, "refused",
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")));

        Assert.True(RetryPipeline.NeverSent(refused));
        Assert.True(RetryPipeline.IsRetryableWrite(refused));
    }

    [Fact]
    public void NeverSent_ConnectionLostAfterSending_False()
    {
        var lost = new RpcException(new Status(StatusCode.Unavailable, "ended",
            new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")));

        Assert.False(RetryPipeline.NeverSent(lost));
        Assert.False(RetryPipeline.IsRetryableWrite(lost));
        Assert.True(RetryPipeline.IsRetryable(lost));
    }
}
