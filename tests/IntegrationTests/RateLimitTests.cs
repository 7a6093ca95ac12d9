using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests;

[Collection(SharedEnvironmentCollection.Name)]
public class RateLimitTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListIssuerKeys_CallerOverItsLimit_ResourceExhaustedWithRetryInfoOthersUnaffected()
    {
        var slow = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.SlowOfficer)); // 5 per second
        var other = new VerificationService.VerificationServiceClient(env.ServerA.As(TestCallers.Officer));

        // Both callers at once: the one over its limit must not take the other down with it.
        var slowCalls = Enumerable.Range(0, 40).Select(_ => Outcome(slow)).ToList();
        var otherCalls = Enumerable.Range(0, 40).Select(_ => Outcome(other)).ToList();
        var slowResults = await Task.WhenAll(slowCalls);
        var otherResults = await Task.WhenAll(otherCalls);

        var limited = slowResults.Where(r => r is not null).ToList();
        // A 5/s caller gets its one-second burst (5) and at most a refill or two during the burst.
        Assert.True(40 - limited.Count <= 7, $"{40 - limited.Count} of 40 calls got through a 5/s limit");
        Assert.All(limited, e =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, e!.StatusCode);
            var status = TestData.RichStatus(e);
            Assert.Equal("RATE_LIMITED", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
            Assert.True(status.GetDetail<Google.Rpc.RetryInfo>()!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
            Assert.NotNull(status.GetDetail<Google.Rpc.QuotaFailure>());
        });
        Assert.All(otherResults, Assert.Null);
    }

    private static async Task<RpcException?> Outcome(VerificationService.VerificationServiceClient client)
    {
        try
        {
            await client.ListIssuerKeysAsync(new ListIssuerKeysRequest(), cancellationToken: Ct);
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }
}
