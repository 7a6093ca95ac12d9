using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.Registry;
using Xunit;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>The server's registry pipeline (retries, per-attempt and total timeouts) around a store call, as the callers run it.</summary>
internal static class PostgresRegistryPipeline
{
    public static ServiceProvider Services(IRegistryErrorClassifier classifier, TimeSpan timeout, TimeSpan? total = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Resilience:RegistryRetries"] = "3",
            ["Resilience:RegistryRetryDelay"] = "00:00:00.010",
            ["Resilience:RegistryTimeout"] = timeout.ToString(),
            ["Resilience:RegistryTotalTimeout"] = (total ?? (timeout * 3)).ToString(),
        }).Build();
        return new ServiceCollection().AddLogging().AddSingleton(classifier).AddResiliencePipelines(configuration).BuildServiceProvider();
    }

    public static async Task RunAsync(ServiceProvider services, Func<CancellationToken, Task> call)
    {
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(ResilienceExtensions.Registry);
        await pipeline.ExecuteAsync(static async (call, ct) => await call(ct), call, TestContext.Current.CancellationToken);
    }
}
