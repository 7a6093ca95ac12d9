using System.Diagnostics;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Postgres;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>
/// PostgreSQL stopped under the store (its own cluster: the test stops it): a transient error within the
/// pipeline's bounds, never a hang, and the same store serves again once the server is back, unaided.
/// </summary>
public sealed class PostgresRegistryOutageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_ServerStoppedThenStarted_FailsTransientWithinBoundsThenServesAgain()
    {
        await using var engine = new PostgresRegistryEngine(postgres.Cluster, new FakeTimeProvider(Start));
        var store = await engine.OpenAsync(null);
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        var classifier = PostgresRegistryErrorClassifier.Instance;
        using var services = PostgresRegistryPipeline.Services(classifier, timeout: TimeSpan.FromSeconds(1));

        await postgres.Cluster.StopAsync(cancellationToken: Ct);
        try
        {
            var down = await Assert.ThrowsAnyAsync<Exception>(() => store.GetLicenseAsync(HolderA, Ct));
            Assert.True(classifier.IsTransient(down), down.ToString());

            // Through the pipeline: retried (transient), then given up — an error the callers answer UNAVAILABLE.
            var clock = Stopwatch.StartNew();
            var failed = await Assert.ThrowsAnyAsync<Exception>(() => PostgresRegistryPipeline.RunAsync(services, ct => store.GetLicenseAsync(HolderA, ct)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
            Assert.IsNotAssignableFrom<OperationCanceledException>(failed);
        }
        finally
        {
            await postgres.Cluster.StartAgainAsync(Ct);
        }

        // Back: the pipeline's retries get past connections the pool still holds from before the stop.
        var found = false;
        await PostgresRegistryPipeline.RunAsync(services, async ct => found = await store.GetLicenseAsync(HolderA, ct) is not null);
        Assert.True(found);
    }
}
