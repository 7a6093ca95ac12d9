using Xunit;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// One redis-server and two replicas of the server sharing it and one registry file: what a
/// production deployment looks like, in miniature. Tests create their own records, so they can share it.
/// </summary>
public sealed class SharedEnvironment : IAsyncLifetime, IReplicaEnvironment
{
    public RedisServer Redis { get; private set; } = null!;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("elicense-it-").FullName;

    public ServerInstance ServerA { get; private set; } = null!;

    public ServerInstance ServerB { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        ServerA = await ServerInstance.StartAsync(DataDirectory, Redis.Configuration);
        ServerB = await ServerInstance.StartAsync(DataDirectory, Redis.Configuration);
    }

    /// <summary>One more replica on the shared data directory (the registry file and the keys): the caller disposes it.</summary>
    public Task<ServerInstance> StartReplicaAsync(string redisConfiguration) => ServerInstance.StartAsync(DataDirectory, redisConfiguration);

    public async ValueTask DisposeAsync()
    {
        if (ServerB is not null)
        {
            await ServerB.DisposeAsync();
        }

        if (ServerA is not null)
        {
            await ServerA.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SharedEnvironmentCollection : ICollectionFixture<SharedEnvironment>
{
    public const string Name = "shared environment";
}
