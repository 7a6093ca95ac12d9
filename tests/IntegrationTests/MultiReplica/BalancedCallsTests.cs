using ELicense.Client.Connection;
using ELicense.V1;
using Grpc.Core;
using Grpc.HealthCheck;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>
/// The inspector's session with several --server addresses against real replicas: calls spread over them,
/// a stopped replica and a NOT_SERVING one are left without failed calls.
/// </summary>
public sealed class BalancedCallsTests
{
    private const string ListKeys = "ListIssuerKeys";

    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> CallManyAsync(RpcSession session, int count)
    {
        var failures = 0;
        for (var i = 0; i < count; i++)
        {
            try
            {
                await session.CallAsync(o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), Ct);
            }
            catch (RpcException)
            {
                failures++;
            }
        }

        return failures;
    }

    [Fact]
    public async Task Calls_ThreeReplicas_SpreadOverAll()
    {
        await using var set = await ReplicaSet.StartAsync(3);
        using var session = new RpcSession(ReplicaSet.Options(set.Addresses));

        var failures = await CallManyAsync(session, 60);

        Assert.Equal(0, failures);
        Assert.All(set.Counters, c => Assert.True(c.Calls(ListKeys) >= 5, $"a replica answered only {c.Calls(ListKeys)} of 60 calls"));
    }

    [Fact]
    public async Task Calls_OneReplicaStopped_GoOnWithoutErrorsOnTheOthers()
    {
        await using var set = await ReplicaSet.StartAsync(3);
        using var session = new RpcSession(ReplicaSet.Options(set.Addresses));
        Assert.Equal(0, await CallManyAsync(session, 15));

        await set.StopAsync(2);
        var stoppedHad = set.Counters[2].Total;
        var failures = await CallManyAsync(session, 40);

        Assert.Equal(0, failures);
        Assert.Equal(stoppedHad, set.Counters[2].Total);
        Assert.True(set.Counters[0].Calls(ListKeys) > 10 && set.Counters[1].Calls(ListKeys) > 10);
    }

    [Fact]
    public async Task Calls_ReplicaReportsNotServing_SkippedUntilItServesAgain()
    {
        await using var set = await ReplicaSet.StartAsync(3, frozenHealth: 2);
        // A longer check bound than the 1 s default: on a loaded machine a healthy replica's check could time
        // out. The picker would still prefer it (unanswered) over the NOT_SERVING one, but the exact views
        // awaited and asserted below ([Serving, Serving, NotServing]) would not come.
        using var session = new RpcSession(ReplicaSet.Options(set.Addresses), healthTimeout: HealthTimeout);
        var health = session.Health!;
        // The frozen replica's one publish must be in before the test's status, or it would overwrite it.
        await HealthRounds.RoundsAsync(health, 1);
        var check = new Grpc.Health.V1.Health.HealthClient(set[2].Channel);
        await Infrastructure.TestData.EventuallyAsync(async () =>
            (await check.CheckAsync(new() { Service = HealthProbe.ServiceName }, cancellationToken: Ct)).Status == ServingStatus.Serving,
            TimeSpan.FromSeconds(15));
        // Every replica's subchannel connected (each answered a call): otherwise only the NOT_SERVING one could
        // be ready below, and the picker would fail open onto it for want of another.
        await Infrastructure.TestData.EventuallyAsync(async () =>
            await CallManyAsync(session, 1) == 0 && set.Counters.All(c => c.Calls(ListKeys) > 0),
            TimeSpan.FromSeconds(15));

        set[2].GetService<HealthServiceImpl>().SetStatus(HealthProbe.ServiceName, ServingStatus.NotServing);
        await HealthRounds.ViewAsync(health, ReplicaState.Serving, ReplicaState.Serving, ReplicaState.NotServing);
        // Calls(ListKeys), not Total: the health polls themselves reach the replica's interceptor.
        var before = set.Counters[2].Calls(ListKeys);
        var failures = await CallManyAsync(session, 30);

        Assert.Equal(0, failures);
        Assert.Equal([ReplicaState.Serving, ReplicaState.Serving, ReplicaState.NotServing], health.States());
        Assert.Equal(before, set.Counters[2].Calls(ListKeys));

        set[2].GetService<HealthServiceImpl>().SetStatus(HealthProbe.ServiceName, ServingStatus.Serving);
        await HealthRounds.ViewAsync(health, ReplicaState.Serving, ReplicaState.Serving, ReplicaState.Serving);
        Assert.Equal(0, await CallManyAsync(session, 30));
        Assert.True(set.Counters[2].Calls(ListKeys) > before, "the replica serving again got no call");
    }
}
