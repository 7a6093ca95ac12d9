using ELicense.Testing;
using Xunit;

namespace ELicense.IntegrationTests.Cluster;

/// <summary>One throwaway 6-node Redis Cluster for a test class (it starts in about 2-3 s); stopped on dispose.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisCluster? _cluster;

    public RedisCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async ValueTask InitializeAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _cluster = await RedisCluster.StartAsync(bound.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
