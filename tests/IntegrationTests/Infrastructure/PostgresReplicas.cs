using ELicense.Testing;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// Replicas on PostgreSQL (and, unless told otherwise, one Redis), each in its own data directory: replicas
/// on different hosts, in miniature. They share nothing but the database and Redis: each directory holds
/// its own copy of the issuer key, the Redis protection key and the audit subject key (copied from the
/// first replica's, as an operator hands each host its copy), and no replica's configuration names a file
/// in another's directory. Disposes everything it started, by handle.
/// </summary>
public sealed partial class PostgresReplicas : IAsyncDisposable
{
    /// <summary>The key files a replica generates on first start and every other replica needs a copy of.</summary>
    public static readonly IReadOnlyList<string> KeyFiles = ["issuer-dev-key.pem", "redis-protection-key", "audit-subject-key"];

    private readonly PostgresReplicaSettings _settings;
    private readonly List<string> _directories = [];
    private readonly List<ServerInstance> _replicas = [];
    private string _name = "";
    private bool _ownsCluster;
    private bool _postgresStopped;

    private PostgresReplicas(PostgresReplicaSettings settings) => _settings = settings;

    public PostgresCluster Cluster { get; private set; } = null!;

    /// <summary>The test's own database (the registry and, when on PostgreSQL, the audit trail), without <see cref="PostgresReplicaSettings.ConnectionOptions"/>.</summary>
    public string Database { get; private set; } = "";

    /// <summary>The registry's connection string as the replicas are configured with it (the pool's options included).</summary>
    public string RegistryConnectionString => _settings.ConnectionOptions.Length == 0 ? Database : Database + ";" + _settings.ConnectionOptions;

    /// <summary>The shared Redis; null when the settings ask for none.</summary>
    public RedisServer? Redis { get; private set; }

    /// <summary>The replicas started with these (<see cref="PostgresReplicaSettings.Replicas"/>), disposed with them.</summary>
    public IReadOnlyList<ServerInstance> Replicas => _replicas;

    public ServerInstance A => _replicas[0];

    public ServerInstance B => _replicas[1];

    /// <summary>Replica A's data directory (its keys are the originals).</summary>
    public string DirectoryA => _directories[0];

    /// <summary>Replica B's data directory.</summary>
    public string DirectoryB => _directories[1];

    /// <summary>The data directory of every replica started here, in start order.</summary>
    public IReadOnlyList<string> Directories => _directories;

    /// <summary>Starts a database, Redis (unless turned off) and <see cref="PostgresReplicaSettings.Replicas"/> replicas.</summary>
    public static async Task<PostgresReplicas> StartAsync(string name, PostgresReplicaSettings? settings = null)
    {
        var replicas = new PostgresReplicas(settings ?? new PostgresReplicaSettings());
        try
        {
            await replicas.StartCoreAsync(name);
            return replicas;
        }
        catch
        {
            await replicas.DisposeAsync();
            throw;
        }
    }

    /// <summary>The configuration that puts the registry (and the audit trail, when <paramref name="auditConnectionString"/> is set) on PostgreSQL.</summary>
    public static string[] Arguments(string registryConnectionString, string? auditConnectionString) =>
    [
        "--Registry:Provider=Postgres",
        $"--Registry:ConnectionString={registryConnectionString}",
        .. auditConnectionString is null ? Array.Empty<string>() : ["--Audit:Provider=Postgres", $"--Audit:ConnectionString={auditConnectionString}"],
    ];

    /// <summary>
    /// One more replica in a new directory of its own, holding copies of replica A's keys, on this registry
    /// and on <paramref name="redisConfiguration"/> (empty for none). The caller disposes it (its directory goes with these replicas).
    /// </summary>
    public Task<ServerInstance> StartReplicaAsync(string redisConfiguration, IEnumerable<string>? extraArgs = null)
    {
        var directory = NewDirectory($"{_name}-{(char)('a' + _directories.Count)}");
        if (_replicas.Count > 0)
        {
            CopyKeys(DirectoryA, directory);
        }

        return ServerInstance.StartAsync(directory, redisConfiguration, [.. ReplicaArguments(), .. extraArgs ?? []]);
    }

    private async Task StartCoreAsync(string name)
    {
        _ownsCluster = _settings.Cluster is null;
        Cluster = _settings.Cluster ?? await PostgresCluster.StartAsync();
        Database = await Cluster.CreateDatabaseAsync();
        _name = name;
        if (_settings.Redis)
        {
            Redis = await RedisServer.StartAsync();
        }

        for (var i = 0; i < _settings.Replicas; i++)
        {
            _replicas.Add(await StartReplicaAsync(Redis?.Configuration ?? ""));
        }
    }

    private IEnumerable<string> ReplicaArguments() =>
        [.. Arguments(RegistryConnectionString, _settings.AuditOnPostgres ? Database : null), .. _settings.ExtraArgs];

    private string NewDirectory(string name)
    {
        var directory = Directory.CreateTempSubdirectory($"elicense-pg-{name}-").FullName;
        _directories.Add(directory);
        return directory;
    }

    /// <summary>Copies the key files <paramref name="from"/> holds; the issuer key must be among them.</summary>
    private static void CopyKeys(string from, string to)
    {
        foreach (var file in KeyFiles)
        {
            var source = Path.Combine(from, file);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(to, file));
            }
            else if (file == KeyFiles[0])
            {
                throw new InvalidOperationException($"Replica A wrote no {file}: the other replicas could not verify what it issues.");
            }
        }
    }
}
