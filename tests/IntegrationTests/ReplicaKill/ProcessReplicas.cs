using System.Globalization;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.Testing;
using ELicense.V1;

namespace ELicense.IntegrationTests.ReplicaKill;

/// <summary>
/// Server replicas as child processes (<see cref="ServerProcess"/>: a SIGKILL is a real one, no host shutdown
/// runs) on one PostgreSQL database for the registry and the audit trail, and one redis-server for the cache
/// and the replay guard. Each replica has its own data directory with copies of the first one's keys, as
/// hosts would. Stops everything it started, by handle: the replicas, then Redis (the cluster is the caller's).
/// </summary>
public sealed class ProcessReplicas : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(45);

    private readonly List<ServerProcess> _replicas = [];
    private readonly List<string> _directories = [];
    private readonly List<Uri> _metrics = [];

    private ProcessReplicas(string database) => Database = database;

    /// <summary>The test's own database: the registry's and the audit trail's.</summary>
    public string Database { get; }

    public RedisServer Redis { get; private set; } = null!;

    /// <summary>The replicas in start order (a killed one stays in its place, exited).</summary>
    public IReadOnlyList<ServerProcess> Replicas => _replicas;

    public IReadOnlyList<Uri> Addresses => _replicas.Select(r => r.Address).ToArray();

    /// <summary>The first replica's data directory (the original keys: the issuer key that mints test credentials).</summary>
    public string KeyDirectory => _directories[0];

    /// <summary>Replica <paramref name="i"/>'s Prometheus scrape address (its own loopback port, fixed at start so the test knows it).</summary>
    public Uri MetricsUri(int i) => _metrics[i];

    /// <summary>
    /// The API calls replica <paramref name="i"/> has finished, from its metrics endpoint: the count of
    /// elicense.rpc.server.duration over the elicense.v1 methods, so health checks (grpc.health.v1) are left out.
    /// </summary>
    public async Task<long> ApiCallsAsync(int i, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(_metrics[i], cancellationToken);
        return text.Split('\n')
            .Where(line => line.StartsWith("elicense_rpc_server_duration_seconds_count{", StringComparison.Ordinal)
                && line.Contains("rpc_method=\"/elicense.v1.", StringComparison.Ordinal))
            .Sum(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>The registry client on a replica that was not killed.</summary>
    public RegistryService.RegistryServiceClient Registry =>
        new(_replicas.First(r => !r.HasExited).As(TestCallers.Registry));

    /// <summary>
    /// A new database in <paramref name="cluster"/>, a redis-server and <paramref name="count"/> replicas, each
    /// answering health before this returns. The first starts alone: it creates the schema and the keys the others copy.
    /// </summary>
    public static async Task<ProcessReplicas> StartAsync(PostgresCluster cluster, int count, CancellationToken cancellationToken)
    {
        var set = new ProcessReplicas(await cluster.CreateDatabaseAsync(cancellationToken: cancellationToken));
        try
        {
            set.Redis = await RedisServer.StartAsync();
            await set.StartReplica().WaitUntilListeningAsync(StartBound, cancellationToken);
            var others = Enumerable.Range(1, count - 1).Select(_ => set.StartReplica()).ToArray();
            await Task.WhenAll(others.Select(r => r.WaitUntilListeningAsync(StartBound, cancellationToken)));
            return set;
        }
        catch (TimeoutException e)
        {
            // ServerProcess names stderr only; a replica slow to start (or stuck) says why on stdout, its console log.
            var logs = string.Join("\n", set._replicas.Select((r, i) => $"replica {i} stdout:\n{r.StandardOutput}"));
            await set.DisposeAsync();
            throw new TimeoutException($"{e.Message}\n{logs}", e);
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILLs replica <paramref name="i"/> by its handle and waits for it to be gone.</summary>
    public async Task KillAsync(int i)
    {
        await _replicas[i].KillAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        // Each step in its own finally: one replica that fails to go must not leave Redis or the directories behind.
        try
        {
            await DisposeReplicasAsync(_replicas.Count - 1);
        }
        finally
        {
            try
            {
                if (Redis is not null)
                {
                    await Redis.DisposeAsync();
                }
            }
            finally
            {
                foreach (var directory in _directories)
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    // The replicas from the last to the first; the earlier ones are disposed even when a later one throws.
    private async Task DisposeReplicasAsync(int last)
    {
        if (last < 0)
        {
            return;
        }

        try
        {
            await _replicas[last].DisposeAsync();
        }
        finally
        {
            await DisposeReplicasAsync(last - 1);
        }
    }

    private ServerProcess StartReplica()
    {
        var directory = Directory.CreateTempSubdirectory($"elicense-kill-{(char)('a' + _directories.Count)}-").FullName;
        if (_directories.Count > 0)
        {
            foreach (var file in PostgresReplicas.KeyFiles.Where(f => File.Exists(Path.Combine(KeyDirectory, f))))
            {
                File.Copy(Path.Combine(KeyDirectory, file), Path.Combine(directory, file));
            }
        }

        _directories.Add(directory);
        var metricsPort = ServerProcess.FreePort();
        _metrics.Add(new Uri($"http://127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}/metrics"));
        string[] args =
        [
            .. PostgresReplicas.Arguments(Database, Database),
            $"--Redis:Configuration={Redis.Configuration}",
            // ServerProcess's default would be relative to the test's working directory, shared by every replica.
            $"--Redis:ProtectionKeyPath={Path.Combine(directory, "redis-protection-key")}",
            // Unpaced load loops: far above an officer's usual rate, or RESOURCE_EXHAUSTED would count as failed calls.
            "--Auth:RoleRateLimits:officer=100000",
            // A known port instead of ServerProcess's free one (port 0): the test scrapes it (later arguments win).
            $"--Metrics:Url=http://127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}",
        ];
        var replica = ServerProcess.Start(directory, args);
        _replicas.Add(replica);
        return replica;
    }
}
