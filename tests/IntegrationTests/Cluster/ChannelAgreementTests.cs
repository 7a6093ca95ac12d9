using ELicense.IntegrationTests.Infrastructure;
using ELicense.Server.Caching;
using ELicense.V1;
using StackExchange.Redis;
using Xunit;

namespace ELicense.IntegrationTests.Cluster;

/// <summary>
/// Replicas on different kinds of invalidation channel do not hear each other (each still hears its own heartbeats). On
/// the test cluster (Redis 7, so A and B use the sharded channel) a third replica is stood in for by an entry in the
/// kinds hash, stamped again every 500 ms by the Redis clock (as a live replica does; one stamped far ahead would count
/// as a skewed clock and be dropped) until the test stops it: one on the literal channel that
/// could use the sharded one (a replica mid-switch) makes A and B say FEED_ONLY; one that cannot (it sees a node older
/// than 7.0) brings them onto the literal channel, live again; once it is gone they go back to the sharded one.
/// </summary>
public sealed class ChannelAgreementTests(ClusterEnvironment env) : IClassFixture<ClusterEnvironment>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CheckAsync_AnotherReplicaOnTheLiteralChannel_FeedOnlyUntilTheFleetAgrees()
    {
        var (a, b) = (env.A, env.B);
        await ClusterEnvironment.WaitLiveAsync(a);
        await ClusterEnvironment.WaitLiveAsync(b);
        Assert.All(new[] { a, b }, r => Assert.Equal(InvalidationChannelKind.Sharded, KindOf(r)));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Cluster.Configuration);
        var key = a.GetService<ChannelAgreement>().Key;

        // On the literal channel, able to use the sharded one: the fleet stays sharded, but nobody hears that replica.
        await using (var standIn = new StandIn(redis, key, "LS"))
        {
            await Both(r => ClusterEnvironment.PathOf(r) != InvalidationPath.Live);
            Assert.All(new[] { a, b }, r => Assert.Equal(InvalidationChannelKind.Sharded, KindOf(r)));

            // Unable to use the sharded channel: everyone moves to the literal one, and hears each other again.
            standIn.Kinds = "LL";
            await Both(r => KindOf(r) == InvalidationChannelKind.Literal && ClusterEnvironment.PathOf(r) == InvalidationPath.Live);
        }

        // Gone: back to the sharded channel, live.
        await redis.GetDatabase().HashDeleteAsync(key, "stand-in");
        await Both(r => KindOf(r) == InvalidationChannelKind.Sharded && ClusterEnvironment.PathOf(r) == InvalidationPath.Live);
        Assert.Contains(LogCapture.Instance.Lines, l => l.Contains("Replicas disagreed on the invalidation channel: switched to Literal", StringComparison.Ordinal));
    }

    private static InvalidationChannelKind KindOf(ServerInstance replica) => replica.GetService<InvalidationChannel>().Kind;

    private Task<TimeSpan> Both(Func<ServerInstance, bool> condition) =>
        TestData.EventuallyAsync(() => Task.FromResult(condition(env.A) && condition(env.B)), Bound);

    /// <summary>A third replica's entry (kind used, kind it could use, a Redis-clock stamp), stamped again until stopped.</summary>
    private sealed class StandIn : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private string _kinds;

        public StandIn(ConnectionMultiplexer redis, RedisKey key, string kinds)
        {
            _kinds = kinds;
            _loop = RunAsync(redis, key);
        }

        public string Kinds
        {
            get => Volatile.Read(ref _kinds);
            set => Volatile.Write(ref _kinds, value);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }

        private async Task RunAsync(ConnectionMultiplexer redis, RedisKey key)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            do
            {
                await redis.GetDatabase().ScriptEvaluateAsync(
                    "local t = redis.call('TIME') redis.call('HSET', KEYS[1], 'stand-in', ARGV[1] .. (t[1] * 1000 + math.floor(t[2] / 1000))) return 1",
                    [key], [Kinds]);
            }
            while (await WaitAsync(timer));
        }

        private async Task<bool> WaitAsync(PeriodicTimer timer)
        {
            try
            {
                return await timer.WaitForNextTickAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
