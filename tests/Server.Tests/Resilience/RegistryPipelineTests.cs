using ELicense.Server.Registry;
using ELicense.Server.Registry.Sqlite;
using ELicense.Server.Resilience;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.Registry;
using Xunit;

namespace ELicense.Server.Tests.Resilience;

/// <summary>The registry pipeline retries what the engine's classifier calls transient, and nothing else.</summary>
public sealed class RegistryPipelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Services(IRegistryErrorClassifier? classifier)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Resilience:RegistryRetries"] = "3",
            ["Resilience:RegistryRetryDelay"] = "00:00:00.001",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        if (classifier is not null)
        {
            services.AddSingleton(classifier);
        }

        return services.AddResiliencePipelines(configuration).BuildServiceProvider();
    }

    private static async Task<(int Attempts, Exception? Error)> RunAsync(ServiceProvider services, Func<int, Exception?> failure)
    {
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(ResilienceExtensions.Registry);
        var attempts = 0;
        try
        {
            await pipeline.ExecuteAsync(_ =>
            {
                var error = failure(++attempts);
                return error is null ? ValueTask.CompletedTask : ValueTask.FromException(error);
            }, Ct);
            return (attempts, null);
        }
        catch (Exception e)
        {
            return (attempts, e);
        }
    }

    [Fact]
    public async Task Execute_SqliteBusyThenSuccess_RetriesThroughTheEnginesClassifier()
    {
        using var services = Services(SqliteErrorClassifier.Instance);

        var (attempts, error) = await RunAsync(services, n => n < 3 ? new SqliteException("busy", 5) : null);

        Assert.Null(error);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Execute_NonTransientErrors_FailAtOnce()
    {
        using var services = Services(SqliteErrorClassifier.Instance);

        var (constraintAttempts, constraint) = await RunAsync(services, _ => new SqliteException("constraint", 19));
        var (ruleAttempts, rule) = await RunAsync(services, _ => new RegistryRuleException(RegistryRuleReasons.LicenseNotFound, "no"));

        Assert.IsType<SqliteException>(constraint);
        Assert.Equal(1, constraintAttempts);
        Assert.IsType<RegistryRuleException>(rule);
        Assert.Equal(1, ruleAttempts);
    }

    [Fact]
    public async Task Execute_NoEngineRegistered_DoesNotRetryEngineErrors()
    {
        using var services = Services(classifier: null);

        var (attempts, error) = await RunAsync(services, _ => new SqliteException("busy", 5));

        Assert.IsType<SqliteException>(error);
        Assert.Equal(1, attempts);
    }
}
