using Google.Rpc;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Tests;

public sealed class RetryPipelineTests
{
    private static async Task<(int Calls, List<RetryNote> Notes)> RunFailingAsync(RpcException failure, int retries = 2)
    {
        var calls = 0;
        var notes = new List<RetryNote>();
        var pipeline = RetryPipeline.Create(retries, notes.Add);

        await Assert.ThrowsAsync<RpcException>(async () => await pipeline.ExecuteAsync<int>(
            _ =>
            {
                calls++;
                throw failure;
            },
            TestContext.Current.CancellationToken));
        return (calls, notes);
    }

    [Fact]
    public async Task Execute_RateLimitedWithShortRetryInfo_RetriesAfterServerDelay()
    {
        var (calls, notes) = await RunFailingAsync(AuthErrorViewTests.RateLimited(TimeSpan.FromMilliseconds(30)));

        Assert.Equal(3, calls);
        Assert.All(notes, n => Assert.Equal(TimeSpan.FromMilliseconds(30), n.Delay));
    }

    [Fact]
    public async Task Execute_RateLimitedWithoutRetryInfo_DoesNotRetry()
    {
        var (calls, notes) = await RunFailingAsync(new RpcException(new GrpcStatus(StatusCode.ResourceExhausted, "quota")));

        Assert.Equal(1, calls);
        Assert.Empty(notes);
    }

    [Fact]
    public async Task Execute_RateLimitedBeyondCap_DoesNotRetry()
    {
        var (calls, _) = await RunFailingAsync(AuthErrorViewTests.RateLimited(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    public async Task Execute_AuthFailures_DoNotRetry(StatusCode code)
    {
        var (calls, _) = await RunFailingAsync(new RpcException(new GrpcStatus(code, "no")));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Execute_Unavailable_RetriesWithBackoff()
    {
        var (calls, notes) = await RunFailingAsync(new RpcException(new GrpcStatus(StatusCode.Unavailable, "down")), retries: 1);

        Assert.Equal(2, calls);
        Assert.True(Assert.Single(notes).Delay > TimeSpan.Zero);
    }

    [Fact]
    public void ServerRetryDelay_RetryInfo_IsTheServersDelay()
    {
        Assert.Equal(TimeSpan.FromSeconds(1.2), RetryPipeline.ServerRetryDelay(AuthErrorViewTests.RateLimited(TimeSpan.FromSeconds(1.2))));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryPipeline.ServerRetryDelay(AuthErrorViewTests.RateLimited(TimeSpan.FromSeconds(60))));
    }

    [Fact]
    public void ServerRetryDelay_NegativeOrAbsurd_IsBounded()
    {
        Assert.Equal(TimeSpan.Zero, RetryPipeline.ServerRetryDelay(AuthErrorViewTests.RateLimited(TimeSpan.FromSeconds(-3))));
        var huge = new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new RetryInfo { RetryDelay = new Google.Protobuf.WellKnownTypes.Duration { Seconds = long.MaxValue } }) },
        }.ToRpcException();

        Assert.True(RetryPipeline.ServerRetryDelay(huge) > RetryPipeline.MaxServerDelay);
        Assert.False(RetryPipeline.IsRetryable(huge));
    }

    [Fact]
    public void ServerRetryDelay_OtherStatus_IsNull()
    {
        Assert.Null(RetryPipeline.ServerRetryDelay(new RpcException(new GrpcStatus(StatusCode.Unavailable, ""))));
    }
}
