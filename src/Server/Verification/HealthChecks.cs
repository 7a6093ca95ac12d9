using ELicense.Server.Caching;
using ELicense.Server.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ELicense.Server.Verification;

/// <summary>The registry answers a trivial query within a second.</summary>
public sealed class RegistryHealthCheck(IRegistryStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await store.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy("Registry reachable.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Registry unreachable.", e);
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
