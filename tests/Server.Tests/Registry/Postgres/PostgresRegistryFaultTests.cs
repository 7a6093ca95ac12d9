using System.Diagnostics;
using ELicense.Server.Registry.Postgres;
using ELicense.Server.Tests.Postgres;
using ELicense.Testing;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Polly.Timeout;
using Xunit;
using static ELicense.Server.Tests.Registry.Contract.RegistrySamples;

namespace ELicense.Server.Tests.Registry.Postgres;

/// <summary>
/// What the PostgreSQL engine's failures look like to the registry pipeline: an error within its bounds
/// (never a hang), transient when another attempt may succeed — which the callers then answer UNAVAILABLE
/// with a retry hint — and not transient when it cannot (a constraint, a missing relation).
/// </summary>
public sealed class PostgresRegistryFaultTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostgresRegistryErrorClassifier Classifier => PostgresRegistryErrorClassifier.Instance;

    private PostgresRegistryEngine NewEngine() => new(postgres.Cluster, new FakeTimeProvider(Start));

    [Fact]
    public async Task Classifier_ServerErrors_TransientOnlyForRetryableStates()
    {
        await using var engine = NewEngine();
        await engine.OpenAsync(null);
        var cs = await engine.ConnectionStringAsync();
        await PostgresCluster.ExecuteAsync(cs, "INSERT INTO registry.meta (key, value) VALUES ('k', 'v')", Ct);

        var duplicate = await Assert.ThrowsAsync<PostgresException>(
            () => PostgresCluster.ExecuteAsync(cs, "INSERT INTO registry.meta (key, value) VALUES ('k', 'v')", Ct));
        var missing = await Assert.ThrowsAsync<PostgresException>(() => PostgresCluster.ExecuteAsync(cs, "SELECT * FROM registry.nothing", Ct));
        var serialization = await Assert.ThrowsAsync<PostgresException>(
            () => PostgresCluster.ExecuteAsync(cs, "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$", Ct));

        Assert.Equal((PostgresErrorCodes.UniqueViolation, false), (duplicate.SqlState, Classifier.IsTransient(duplicate)));
        Assert.Equal((PostgresErrorCodes.UndefinedTable, false), (missing.SqlState, Classifier.IsTransient(missing)));
        Assert.Equal((PostgresErrorCodes.SerializationFailure, true), (serialization.SqlState, Classifier.IsTransient(serialization)));
    }

    [Fact]
    public async Task Write_ChangeCounterRowMissing_FailsNamingItAndWritesNothing()
    {
        await using var engine = NewEngine();
        var store = await engine.OpenAsync(null);
        await PostgresCluster.ExecuteAsync(await engine.ConnectionStringAsync(), "DELETE FROM registry.change_counter", Ct);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpsertLicenseAsync(License(HolderA), Ct));

        Assert.Contains("change_counter", failed.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetLicenseAsync(HolderA, Ct));
    }

    [Fact]
    public async Task Read_ConnectionKilledByTheServer_FailsTransientThenRecovers()
    {
        await using var engine = NewEngine();
        var store = await engine.OpenAsync(null, ";Maximum Pool Size=1");
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await PostgresCluster.ExecuteAsync(postgres.Cluster.ConnectionString(), $"""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = '{new NpgsqlConnectionStringBuilder(await engine.ConnectionStringAsync()).Database}' AND pid <> pg_backend_pid()
            """, Ct);

        var killed = await Assert.ThrowsAnyAsync<Exception>(() => store.GetLicenseAsync(HolderA, Ct));

        Assert.True(Classifier.IsTransient(killed), killed.ToString());
        Assert.NotNull(await store.GetLicenseAsync(HolderA, Ct));
    }

    [Fact]
    public async Task Read_PoolExhausted_FailsTransientWithinThePoolTimeout()
    {
        await using var engine = NewEngine();
        var (store, source) = await engine.OpenWithSourceAsync(null, ";Maximum Pool Size=1;Timeout=1");
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        var held = await source.OpenConnectionAsync(Ct);
        var clock = Stopwatch.StartNew();

        var exhausted = await Assert.ThrowsAnyAsync<Exception>(() => store.GetLicenseAsync(HolderA, Ct));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.IsNotAssignableFrom<OperationCanceledException>(exhausted);
        Assert.True(Classifier.IsTransient(exhausted), exhausted.ToString());

        // Through the registry pipeline: retried, then given up with an error (UNAVAILABLE for the callers), not a cancellation.
        using var services = PostgresRegistryPipeline.Services(Classifier, timeout: TimeSpan.FromSeconds(2), total: TimeSpan.FromSeconds(4));
        clock.Restart();
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => PostgresRegistryPipeline.RunAsync(services, ct => store.GetLicenseAsync(HolderA, ct)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.IsNotAssignableFrom<OperationCanceledException>(failed);
        await held.DisposeAsync();
        Assert.NotNull(await store.GetLicenseAsync(HolderA, Ct));
    }

    [Fact]
    public async Task Write_WaitingOnALockPastTheTimeouts_IsCutNotHung()
    {
        await using var engine = NewEngine();
        var store = await engine.OpenAsync(null);
        var bounded = await engine.OpenAsync(null, ";Options=-c statement_timeout=300");
        await store.UpsertLicenseAsync(License(HolderA), Ct);
        await using var blocker = new NpgsqlConnection(await engine.ConnectionStringAsync() + ";Pooling=false");
        await blocker.OpenAsync(Ct);
        await using var lockTransaction = await blocker.BeginTransactionAsync(Ct);
        await using (var take = new NpgsqlCommand($"SELECT 1 FROM registry.licenses WHERE license_number = '{HolderA}' FOR UPDATE", blocker, lockTransaction))
        {
            await take.ExecuteScalarAsync(Ct);
        }

        // The caller's (the pipeline's) token: cancelled, the statement is cancelled on the server too.
        using var cut = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, cut.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.False(Classifier.IsTransient(cancelled));

        // The server's statement_timeout: 57014, worth another attempt.
        var timedOut = await Assert.ThrowsAsync<PostgresException>(() => bounded.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, Ct));
        Assert.Equal(PostgresErrorCodes.QueryCanceled, timedOut.SqlState);
        Assert.True(Classifier.IsTransient(timedOut));

        // Through the registry pipeline: its timeout ends the wait with a TimeoutRejectedException, which the callers answer UNAVAILABLE.
        using var services = PostgresRegistryPipeline.Services(Classifier, timeout: TimeSpan.FromMilliseconds(300));
        clock.Restart();
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => PostgresRegistryPipeline.RunAsync(services,
            ct => store.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, ct)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        await lockTransaction.RollbackAsync(Ct);
        Assert.NotNull(await store.UpdateLicenseStatusAsync(HolderA, LicenseStatus.Revoked, Ct));
    }
}
