using System.Diagnostics.Metrics;
using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.Server.Observability;
using ELicense.Server.Resilience;
using ELicense.Server.Verification.Replay;
using Polly.CircuitBreaker;

namespace ELicense.Server.Hosting;

/// <summary>
/// State read when a scrape asks for it, at no cost to calls: breaker positions, the local replay
/// store, the audit writer's queue and commits. It reads several components, so it lives in Hosting,
/// above them all; the meter's own instruments (<see cref="ServerMetrics"/>) stay low in Observability.
/// </summary>
public sealed class ServerGauges
{
    public ServerGauges(IMeterFactory meters, CircuitStates circuits, ReplayGuard replay, ClaimWriteBack writeBack, AuditWriter audit, RedisValueSealer sealer)
    {
        var meter = meters.Create(ServerMetrics.MeterName);
        meter.CreateObservableGauge("elicense.circuit_breaker.state", () => new Measurement<int>(
                Position(circuits.Redis.CircuitState), new KeyValuePair<string, object?>("pipeline", ResilienceExtensions.Redis)),
            "{state}", "Circuit breaker position: 0 closed, 1 open, 2 half-open, 3 isolated.");
        meter.CreateObservableGauge("elicense.replay.local_entries", () => replay.LocalCount, "{token}",
            "Token ids this replica remembers in memory (its first scans and the earlier claims Redis showed it, until expiry).");
        meter.CreateObservableGauge("elicense.replay.shared_incomplete", () => replay.SharedIncomplete ? 1 : 0, "{state}",
            "1 while replay checks against Redis are not authoritative (Redis may have lost claims), else 0.");
        meter.CreateObservableCounter("elicense.replay.written_back", () => writeBack.Written, "{claim}",
            "Claims written back into Redis after it was away or lost them (the earliest claim keeps ownership).");
        meter.CreateObservableGauge("elicense.audit.queue_depth", () => audit.QueueDepth, "{record}",
            "Audit records waiting for the next group commit; answers wait with them.");
        meter.CreateObservableCounter("elicense.audit.records_committed", () => audit.RecordsCommitted, "{record}",
            "Audit records made durable since start.");
        meter.CreateObservableCounter("elicense.audit.commits", () => audit.Commits, "{commit}",
            "Group commits since start (records_committed / commits is the mean batch).");
        meter.CreateObservableCounter("elicense.cache.redis_unopened_values", () => sealer.Failures, "{value}",
            "Values read from Redis that failed to open (altered, moved, or another protection key's): each a cache miss.");
    }

    private static int Position(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.Open => 1,
        CircuitState.HalfOpen => 2,
        _ => 3,
    };
}

/// <summary>Registers and starts the gauges.</summary>
public static class ServerGaugesExtensions
{
    public static IServiceCollection AddServerGauges(this IServiceCollection services) => services.AddSingleton<ServerGauges>();

    /// <summary>Creates the gauges before the first scrape: they exist once the meter has them.</summary>
    public static WebApplication UseServerGauges(this WebApplication app)
    {
        app.Services.GetRequiredService<ServerGauges>();
        return app;
    }
}
