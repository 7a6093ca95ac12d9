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

        var slowResults = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Outcome(slow)));
        var otherResults = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Outcome(other)));

        var limited = slowResults.Where(r => r is not null).ToList();
        Assert.True(limited.Count >= 20, $"only {limited.Count} of 40 calls over a 5/s limit were refused");
        Assert.All(limited, e =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, e!.StatusCode);
            var status = TestData.RichStatus(e);
            Assert.Equal("RATE_LIMITED", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
            Assert.True(status.GetDetail<Google.Rpc.RetryInfo>()!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
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
