using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.V1;
using ELicense.Server.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ELicense.Server.Hosting;

/// <summary>
/// The registry reads real rows within a second (<see cref="IRegistryStore.PingAsync"/>: licences, a
/// stretch of a sweep through them all, the change feed's newest row), so a registry whose data pages
/// are corrupt is unhealthy, not only one whose file is gone.
/// </summary>
public sealed class RegistryHealthCheck(IRegistryStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await store.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy("Registry data readable.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Registry unreachable or its data unreadable.", e);
        }
    }
}

/// <summary>
/// Redis is connected. Unhealthy only for the "redis" health service: without Redis the server still
/// answers correctly (memory and registry, local replay checks), so the overall status stays SERVING.
/// </summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!redis.IsConfigured ? HealthCheckResult.Degraded("Redis not configured: memory cache and local replay checks only.")
            : redis.KeyAgreement == RedisKeyAgreement.Mismatch
                ? HealthCheckResult.Unhealthy("Redis holds another protection key's fingerprint: cache in memory only, replay checks still shared.")
            : redis.IsConnected ? HealthCheckResult.Healthy("Redis connected.")
            : HealthCheckResult.Unhealthy("Redis unreachable: serving from memory and the registry, replay checks local only."));
}

/// <summary>
/// The audit trail can commit. Every audited call waits for its record to be durable and is refused
/// when the commit fails, so while it cannot commit (a full disk, a broken file) the server as a whole
/// answers nothing and is NOT_SERVING. After a failure, each check tries one real append — a record of
/// this probe, at most one per check — because a server out of rotation gets no audited calls whose
/// commits could show that the trail has recovered.
/// </summary>
public sealed class AuditHealthCheck(AuditCommitState state, IAuditLog log, TimeProvider time) : IHealthCheck
{
    /// <summary>The method the probe's record names (audited calls are recorded by their short method name).</summary>
    public const string ProbeMethod = "AuditCommitProbe";

    /// <summary>The caller id of the probe's record.</summary>
    public const string ProbeCaller = "server-health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.CanCommit)
        {
            return HealthCheckResult.Healthy("Audit trail committing.");
        }

        try
        {
            // The bound runs on the server's clock like everything else (a test's fake clock does not cut a slow fsync).
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
            await log.AppendAsync(new AuditRecord(time.GetUtcNow(), ProbeCaller, "", ProbeMethod, "", LookupPurpose.Unspecified,
                "PROBE", DataSource.Unspecified), timeout.Token);
            return HealthCheckResult.Healthy("Audit trail committing again.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(
                $"Audit trail cannot commit ({state.ConsecutiveFailures} failed commits in a row: {state.LastError}); every audited call is refused.");
        }
    }
}
