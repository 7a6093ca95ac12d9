using Grpc.AspNetCore.HealthChecks;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Hosting;

/// <summary>
/// Unhealthy once the replica drains. Every gRPC health service counts it, so a health report computed
/// after the drain began says NOT_SERVING everywhere instead of reverting the drain's status.
/// </summary>
public sealed class DrainingHealthCheck(DrainState state) : IHealthCheck
{
    public const string Name = "draining";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDraining
            ? HealthCheckResult.Unhealthy("Replica stopping: finishing the calls in flight, taking no new ones soon.")
            : HealthCheckResult.Healthy("Not stopping."));
}

/// <summary>
/// Sets every mapped gRPC health service to NOT_SERVING while draining. Registered after the gRPC health
/// publisher, it runs after it on each publish (both complete synchronously, and the publisher service
/// starts them in registration order), so a report whose checks began before the drain cannot put a
/// SERVING back.
/// </summary>
public sealed class DrainingHealthPublisher(DrainState state, HealthServiceImpl health, IOptions<GrpcHealthChecksOptions> options) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (state.IsDraining)
        {
            SetNotServing();
        }

        return Task.CompletedTask;
    }

    /// <summary>Every service name this replica answers health for, "" included; returns how many.</summary>
    public int SetNotServing()
    {
        var count = 0;
        foreach (var mapping in options.Value.Services)
        {
            health.SetStatus(mapping.Name, HealthCheckResponse.Types.ServingStatus.NotServing);
            count++;
        }

        return count;
    }
}
