namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// Two replicas sharing one registry and one Redis, whatever holds the registry: the SQLite environment
/// (<see cref="SharedEnvironment"/>, one data directory) or the PostgreSQL one (<see cref="PostgresEnvironment"/>,
/// a directory per replica). Test cases written against it run on both engines.
/// </summary>
public interface IReplicaEnvironment
{
    /// <summary>The shared Redis.</summary>
    RedisServer Redis { get; }

    /// <summary>Replica A's data directory: its issuer development key is the one every replica signs with.</summary>
    string DataDirectory { get; }

    ServerInstance ServerA { get; }

    ServerInstance ServerB { get; }

    /// <summary>
    /// Starts one more replica on the same registry (and on <paramref name="redisConfiguration"/>, empty for
    /// none), with the keys the others hold. The caller disposes it.
    /// </summary>
    Task<ServerInstance> StartReplicaAsync(string redisConfiguration);
}
