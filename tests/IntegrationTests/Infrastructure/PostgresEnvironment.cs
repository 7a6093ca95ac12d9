using Xunit;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// <see cref="SharedEnvironment"/>'s PostgreSQL twin: one throwaway cluster, one Redis and two replicas in
/// separate data directories, the registry and the audit trail in one database. Tests create their own
/// records, so they can share it.
/// </summary>
public sealed class PostgresEnvironment : IAsyncLifetime, IReplicaEnvironment
{
    private PostgresReplicas? _replicas;

    public PostgresReplicas Replicas => _replicas ?? throw new InvalidOperationException("The PostgreSQL environment has not started.");

    public RedisServer Redis => Replicas.Redis!;

    public string DataDirectory => Replicas.DirectoryA;

    public ServerInstance ServerA => Replicas.A;

    public ServerInstance ServerB => Replicas.B;

    public async ValueTask InitializeAsync() => _replicas = await PostgresReplicas.StartAsync("it");

    /// <summary>One more replica in a directory of its own (copies of A's keys): the caller disposes it.</summary>
    public Task<ServerInstance> StartReplicaAsync(string redisConfiguration) => Replicas.StartReplicaAsync(redisConfiguration);

    public async ValueTask DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresEnvironmentCollection : ICollectionFixture<PostgresEnvironment>
{
    public const string Name = "postgres environment";
}

/// <summary>One throwaway PostgreSQL cluster for a test class; each test creates its own database in it.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private ELicense.Testing.PostgresCluster? _cluster;

    public ELicense.Testing.PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async ValueTask InitializeAsync() => _cluster = await ELicense.Testing.PostgresCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
