using ELicense.Client.Connection;
using ELicense.IntegrationTests.Infrastructure;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>
/// A test's own redis-server and <c>count</c> replicas sharing it and one data directory, each counting
/// the calls it answered (<see cref="CallCounter"/>). Replicas can be stopped one by one; disposes all of it.
/// </summary>
public sealed class ReplicaSet : IAsyncDisposable
{
    private readonly List<ServerInstance?> _replicas = [];

    private ReplicaSet(string dataDirectory) => DataDirectory = dataDirectory;

    public string DataDirectory { get; }

    public RedisServer Redis { get; private set; } = null!;

    public IReadOnlyList<CallCounter> Counters => _counters;

    private readonly List<CallCounter> _counters = [];

    public ServerInstance this[int i] => _replicas[i] ?? throw new InvalidOperationException($"replica {i} was stopped");

    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <param name="count">How many replicas.</param>
    /// <param name="frozenHealth">
    /// Replicas whose health publisher runs once and then not for an hour, so that a status set by the test
    /// through HealthServiceImpl stays.
    /// </param>
    public static async Task<ReplicaSet> StartAsync(int count, params int[] frozenHealth)
    {
        var set = new ReplicaSet(Directory.CreateTempSubdirectory("elicense-multireplica-").FullName);
        try
        {
            set.Redis = await RedisServer.StartAsync();
            for (var i = 0; i < count; i++)
            {
                var counter = new CallCounter();
                var freeze = frozenHealth.Contains(i);
                set._counters.Add(counter);
                set._replicas.Add(await ServerInstance.StartAsync(set.DataDirectory, set.Redis.Configuration, overrides: services =>
                {
                    services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<CountingInterceptor>(counter));
                    if (freeze)
                    {
                        services.Configure<HealthCheckPublisherOptions>(o => o.Period = TimeSpan.FromHours(1));
                    }
                }));
            }

            set.Addresses = set._replicas.Select(r => r!.Address).ToArray();
            return set;
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
    }

    /// <summary>The inspector's options for <paramref name="servers"/> as the officer, with <paramref name="retries"/> retries.</summary>
    public static ConnectionOptions Options(IReadOnlyList<Uri> servers, int retries = 2, string device = "multi-replica-test")
    {
        var settings = new ELicense.Inspector.Commands.GlobalSettings
        {
            Server = servers.Select(s => s.ToString()).ToArray(),
            ApiKey = TestCallers.Officer.Key,
            Retries = retries,
            Device = device,
        };
        return ConnectionOptions.TryResolve(settings, _ => null, "it", out var options, out var error)
            ? options
            : throw new InvalidOperationException(error);
    }

    /// <summary>Stops replica <paramref name="i"/> (graceful host stop); its counter keeps what it counted.</summary>
    public async Task StopAsync(int i)
    {
        if (_replicas[i] is { } replica)
        {
            _replicas[i] = null;
            await replica.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _replicas.Count - 1; i >= 0; i--)
        {
            await StopAsync(i);
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
