using ELicense.Server.Auditing;
using ELicense.Server.Auditing.Engines;
using ELicense.Server.Caching;
using ELicense.Server.Credentials;
using ELicense.Server.Hosting;
using ELicense.Server.Internal;
using ELicense.Server.Observability;
using ELicense.Server.Registry;
using ELicense.Server.Registry.Engines;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Resilience;
using ELicense.Server.Security;
using ELicense.Server.Verification;

// `seed` fills the registry with synthetic data and exits; anything else runs the server. The engine it
// loads through is the server's: RegistryEngine chooses both.
if (args is ["seed", ..])
{
    return await SeedCommand.RunAsync(args[1..], Program.CreateBuilder(args[1..]).Configuration, RegistryEngine.OpenBulkLoader,
        Console.Out, CancellationToken.None);
}

// `audit verify` checks the audit trail's hash chain and exits; AuditEngine chooses the engine it reads, as the server's.
if (args is ["audit", ..])
{
    return await AuditCommand.RunAsync(args[1..], Program.CreateBuilder(args[1..]).Configuration, AuditEngine.OpenReadOnlyTrail,
        Console.Out, CancellationToken.None);
}

// A failure the operator fixes from one sentence (a port another replica holds) is that sentence on stderr and
// exit code 1; any other failure to start is thrown as before.
try
{
    await Program.Build(args).RunAsync();
}
catch (ServerStartupException e)
{
    await Console.Error.WriteLineAsync("elicense-server: " + e.Message);
    return 1;
}

return 0;

/// <summary>The server's composition, one line per concern. Tests build it with their own configuration.</summary>
public partial class Program
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrides = null)
    {
        var builder = CreateBuilder(args);
        builder.Services.AddSingleton(TimeProvider.System);               // the clock; tests swap in a fake one
        builder.Services.AddStartupErrors(builder.Logging);               // a port clash is one line on stderr, not a stack trace
        builder.Services.AddRegistry(builder.Configuration);              // system of record: options, schema created at start
        builder.Services.AddRegistryEngine(builder.Configuration);        // its engine (SQLite or PostgreSQL: Registry:Provider)
        builder.Services.AddResiliencePipelines(builder.Configuration);   // Polly: Redis breaker, registry retries
        builder.Services.AddCaching(builder.Configuration);               // memory → Redis → registry, invalidation
        builder.Services.AddCredentials(builder.Configuration);           // key ring, issuer, verifier
        builder.Services.AddVerification(builder.Configuration);          // replay guard and the verify path
        builder.Services.AddAuditing(builder.Configuration);              // hash-chained audit trail of every check
        builder.Services.AddAuditEngine(builder.Configuration);           // its engine (SQLite or PostgreSQL: Audit:Provider)
        builder.Services.AddRefusalAuditing(builder.Configuration);       // and of every refused call, floods aggregated per second
        builder.Services.AddCallerSecurity(builder.Configuration);        // who may call: API keys, client certificates, roles, limits
        builder.Services.AddGrpcApi();                                    // gRPC services, errors (hostile bytes too), reflection
        builder.Services.AddServerHealthChecks();                         // gRPC health: registry, audit trail, Redis, draining
        builder.Services.AddObservability(builder.Configuration);         // OpenTelemetry metrics, Prometheus scrape endpoint
        builder.Services.AddServerGauges();                               // breaker, replay, audit and cache state, read at scrape time
        builder.Services.AddDrainOnStop(builder.Configuration);           // on stop: NOT_SERVING, a grace, then a bounded drain (last: stops first)
        overrides?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseRpcMetrics();                                              // every call timed, refusals included
        app.UseServerGauges();                                            // the gauges exist before the first scrape
        app.MapGrpcApi();                                                 // authentication, authorization, the services, health, reflection
        return app;
    }

    /// <summary>
    /// Configuration as every entry point (server, seed, audit) sees it. The content root is the
    /// application's folder, so appsettings.json is found however the program is started (dotnet run,
    /// the apphost from another folder, a service manager).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
}
