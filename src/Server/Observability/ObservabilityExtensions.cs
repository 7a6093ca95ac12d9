using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ELicense.Server.Observability;

/// <summary>OpenTelemetry metrics and the Prometheus scrape endpoint.</summary>
public static class ObservabilityExtensions
{
    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>()
            .Bind(configuration.GetSection(MetricsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ServerMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("elicense-server"))
            .WithMetrics(metrics => metrics
            .AddMeter(ServerMetrics.MeterName)
            .AddMeter("Microsoft.AspNetCore.Server.Kestrel") // connections, TLS handshakes, queued requests
            .AddMeter("System.Runtime")                      // GC, thread pool, CPU time
            .AddMeter("Polly")                               // breaker opened/closed, timeouts, retries
            .AddView("elicense.rpc.server.duration", new ExplicitBucketHistogramConfiguration { Boundaries = ServerMetrics.LatencyBuckets })
            // Per-execution timings of every Redis and registry call would cost more than they tell; the events stay.
            .AddView("resilience.polly.pipeline.duration", MetricStreamConfiguration.Drop)
            .AddView("resilience.polly.strategy.attempt.duration", MetricStreamConfiguration.Drop)
            // Scrapes come every few seconds at most; a cached answer would only hide the latest counts.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddSingleton<MetricsEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsEndpoint>());
        return services;
    }

    /// <summary>Times every call (first in the pipeline, so refusals count).</summary>
    public static WebApplication UseRpcMetrics(this WebApplication app)
    {
        app.UseMiddleware<RpcMetricsMiddleware>();
        return app;
    }
}
