
using ELicense.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// One replica of the real server — the same composition as Program.cs — on real Kestrel, on a free
/// loopback port, with real gRPC clients.
/// </summary>
public sealed class ServerInstance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Task? _stop;

    private ServerInstance(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        Verification = new VerificationService.VerificationServiceClient(As(TestCallers.Officer));
        Registry = new RegistryService.RegistryServiceClient(As(TestCallers.Registry));
    }

    public Uri Address { get; }

    /// <summary>The channel without credentials: anonymous calls.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Verification as an officer.</summary>
    public VerificationService.VerificationServiceClient Verification { get; }

    /// <summary>The write side as the registry feed.</summary>
    public RegistryService.RegistryServiceClient Registry { get; }

    /// <summary>Calls carrying <paramref name="caller"/>'s API key, as the inspector sends it.</summary>
    public CallInvoker As(TestCaller caller) => Channel.Intercept(metadata =>
    {
        metadata.Add("authorization", "Bearer " + caller.Key);
        return metadata;
    });

    public IServiceProvider Services => _app.Services;

    /// <summary>The Prometheus scrape endpoint (its own HTTP/1.1 port).</summary>
    public Uri MetricsUri => GetService<ELicense.Server.Observability.MetricsEndpoint>().ScrapeUri
        ?? throw new InvalidOperationException("The metrics endpoint is turned off for this server.");

    /// <param name="dataDirectory">Holds the registry file, the development key and the Redis protection key; replicas share it.</param>
    /// <param name="redisConfiguration">Empty for a replica without Redis.</param>
    public static async Task<ServerInstance> StartAsync(string dataDirectory, string redisConfiguration,
        IEnumerable<string>? extraArgs = null, Action<IServiceCollection>? overrides = null)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Registry:Path={Path.Combine(dataDirectory, "registry.db")}",
            $"--Redis:Configuration={redisConfiguration}",
            // Replicas sharing the data directory share the Redis protection key, as a deployment's must.
            $"--Redis:ProtectionKeyPath={Path.Combine(dataDirectory, "redis-protection-key")}",
            $"--Credentials:DevelopmentKeyPath={Path.Combine(dataDirectory, "issuer-dev-key.pem")}",
            $"--Audit:Path={Path.Combine(dataDirectory, "audit.db")}",
            $"--Audit:SubjectKeyPath={Path.Combine(dataDirectory, "audit-subject-key")}",
            "--Cache:ChangeFeedInterval=00:00:00.250",
            "--Resilience:RedisBreakDuration=00:00:01",
            "--Logging:LogLevel:Default=Warning",
            "--Metrics:Url=http://127.0.0.1:0",
            // No drain grace: every test's dispose would wait it out. Drain tests set their own (later arguments win).
            "--Drain:Grace=00:00:00",
            .. TestCallers.Arguments,
            .. extraArgs ?? [],
        ];
        var app = Program.Build(args, services =>
        {
            // Every line any test server logs, Debug and up, is kept for the identity-number scan.
            services.AddLogging(logging => logging.AddProvider(LogCapture.Instance).AddFilter<LogCapture>(null, LogLevel.Debug));
            overrides?.Invoke(services);
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new ServerInstance(app, address);
    }

    public T GetService<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Stops the replica the way SIGTERM does (Host.StopAsync: the drain, then the hosted services); once, however often called.</summary>
    public Task StopAsync()
    {
        lock (_app)
        {
            return _stop ??= _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}
