using ELicense.IntegrationTests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>Health is anonymous and a Watch stays open: the streams open at once are bounded.</summary>
public sealed class HealthWatchLimitTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-watch-it-").FullName;
    private ServerInstance _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _server = await ServerInstance.StartAsync(_directory, redisConfiguration: "", extraArgs: ["--Auth:MaxHealthWatches=2"]);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Watch_BeyondTheLimit_ResourceExhaustedWithRetryInfoUntilOneEnds()
    {
        var health = new Health.HealthClient(_server.Channel); // anonymous, as a load balancer
        using var first = await OpenAsync(health);
        using var second = await OpenAsync(health);

        var refused = await Assert.ThrowsAsync<RpcException>(() => OpenAsync(health));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var status = TestData.RichStatus(refused);
        Assert.Equal("TOO_MANY_WATCHES", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.True(status.GetDetail<Google.Rpc.RetryInfo>()!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct)).Status); // Check is unaffected

        // One client leaves: its place is free again once the server has seen the stream end.
        first.Dispose();
        AsyncServerStreamingCall<HealthCheckResponse>? third = null;
        await TestData.EventuallyAsync(async () =>
        {
            try
            {
                third = await OpenAsync(health);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10));
        third!.Dispose();
    }

    // Opens a Watch and reads its first answer, so the stream is known to be open on the server.
    private static async Task<AsyncServerStreamingCall<HealthCheckResponse>> OpenAsync(Health.HealthClient health)
    {
        var call = health.Watch(new HealthCheckRequest(), cancellationToken: Ct);
        try
        {
            Assert.True(await call.ResponseStream.MoveNext(Ct));
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }
}
