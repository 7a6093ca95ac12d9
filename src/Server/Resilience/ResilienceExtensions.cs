using ELicense.Server.Registry;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;
using StackExchange.Redis;

namespace ELicense.Server.Resilience;

/// <summary>The named Polly pipelines: one around Redis, one around the registry.</summary>
public static class ResilienceExtensions
{
    public const string Redis = "redis";
    public const string Registry = "registry";

    public static IServiceCollection AddResiliencePipelines(this IServiceCollection services, IConfiguration configuration)
    {
        // Polly's telemetry would log each call's result — a licence, in full — at Debug and
        // Information. Results are personal data: log what happened, never what came back.
        services.ConfigureAll<TelemetryOptions>(options => options.ResultFormatter = static (_, result) => result switch
        {
            null => null,
            Exception e => e.GetType().Name,
            _ => "(withheld)",
        });

        services.AddSingleton<CircuitStates>();
        services.AddOptions<ResilienceOptions>()
            .Bind(configuration.GetSection(ResilienceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Redis: the breaker is outermost so that timeouts count as failures; once open, calls fail at
        // once and requests go straight to the registry instead of waiting on a dead or frozen Redis.
        services.AddResiliencePipeline(Redis, (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ResilienceOptions>>().Value;
            builder
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>()
                        .Handle<TimeoutException>().Handle<ObjectDisposedException>(),
                    FailureRatio = options.RedisFailureRatio,
                    SamplingDuration = options.RedisSamplingDuration,
                    MinimumThroughput = options.RedisMinimumThroughput,
                    BreakDuration = options.RedisBreakDuration,
                    StateProvider = context.ServiceProvider.GetRequiredService<CircuitStates>().Redis,
                })
                .AddTimeout(options.RedisTimeout);
        });

        services.AddResiliencePipeline(Registry, (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ResilienceOptions>>().Value;
            // Which engine errors are worth a retry is the engine's call (SQLite: a busy or locked
            // database); without a registered engine only timeouts are retried. Deliberately wider than
            // main's Handle<SqliteException>: this pipeline names no engine's exception type, so it asks the
            // classifier about every exception, and the classifier looks through the whole chain — an
            // exception that wraps lock contention is as retryable as the bare one. What the SQLite engine
            // throws today (SqliteException itself) is retried exactly as before; the one wrapper that
            // carries a registry error, RegistryUnavailableException, is thrown by the callers after this
            // pipeline has given up, outside any registry pipeline, so it is never retried again.
            var classifier = context.ServiceProvider.GetService<IRegistryErrorClassifier>();
            builder.AddTimeout(options.RegistryTotalTimeout);
            if (options.RegistryRetries > 0)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(e => classifier?.IsTransient(e) == true).Handle<TimeoutRejectedException>(),
                    MaxRetryAttempts = options.RegistryRetries,
                    Delay = options.RegistryRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            builder.AddTimeout(options.RegistryTimeout);
        });

        return services;
    }
}
