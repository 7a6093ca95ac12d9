using System.Diagnostics;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Postgres;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>
/// PostgreSQL stopped under the store (its own cluster: the test stops it): a transient error within the
/// pipeline's bounds, never a hang, and the same store serves again once the server is back, unaided;
/// frozen (SIGSTOP: connections open, nothing answers), the pipeline's timeouts cut the calls.
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

    [Fact]
    public async Task ReadAndWrite_ServerFrozen_CutByThePipelinesTimeoutsThenServeAfterThaw()
    {
        await using var engine = new PostgresRegistryEngine(postgres.Cluster, new FakeTimeProvider(Start));
        var store = await engine.OpenAsync(null);
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        using var services = PostgresRegistryPipeline.Services(PostgresRegistryErrorClassifier.Instance,
            timeout: TimeSpan.FromMilliseconds(500), total: TimeSpan.FromSeconds(1.5));

        await postgres.Cluster.FreezeAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var read = await Assert.ThrowsAnyAsync<Exception>(() => PostgresRegistryPipeline.RunAsync(services, ct => store.GetLicenseAsync(HolderA, ct)));
            var write = await Assert.ThrowsAnyAsync<Exception>(() => PostgresRegistryPipeline.RunAsync(services,
                ct => store.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, ct)));

            // Each call: the total timeout, plus at most Npgsql's wait for the server to confirm a cancellation.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"took {clock.Elapsed}");
            Assert.IsNotAssignableFrom<OperationCanceledException>(read);
            Assert.IsNotAssignableFrom<OperationCanceledException>(write);
        }
        finally
        {
            await postgres.Cluster.ThawAsync();
        }

        var status = LicenseStatus.Unspecified;
        await PostgresRegistryPipeline.RunAsync(services, async ct => status = (await store.GetLicenseAsync(HolderA, ct))!.License.Status);
        Assert.Equal(LicenseStatus.Normal, status);
    }
}
