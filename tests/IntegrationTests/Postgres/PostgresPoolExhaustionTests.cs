using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.Server.Postgres;
using ELicense.V1;
using Npgsql;
using Xunit;
using static ELicense.IntegrationTests.Postgres.FaultCalls;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>
/// Every connection of the replica's registry pool is taken (the test holds them, from the replica's own
/// data source): lookups, verifications and writes end in an honest error within the budget instead of
/// queueing for ever, and succeed once the connections come back.
/// </summary>
public sealed class PostgresPoolExhaustionTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private const int MaxPoolSize = 2;

    [Fact]
    public async Task GetLicenseVerifyAndWrite_ConnectionPoolExhausted_ErrorsWithinTheBudgetThenRecover()
    {
        await using var set = await PostgresReplicas.StartAsync("pool", new PostgresReplicaSettings
        {
            Replicas = 1,
            Redis = false,
            AuditOnPostgres = false,
            // The pool's own wait is the data source's default (Timeout = 5 s): longer than the 2 s registry
            // budget, so it is the pipeline's timeout that must end a call waiting for a connection.
            ConnectionOptions = $"Maximum Pool Size={MaxPoolSize}",
            ExtraArgs = ShortRegistryBudget,
            Cluster = fixture.Cluster,
        });
        var a = set.A;
        var looked = await TestData.CreateLicenseAsync(a);

        var verified = await TestData.CreateLicenseAsync(a);
        var written = await TestData.CreateLicenseAsync(a);
        var payload = Mint(set.DirectoryA, verified);
        var pool = a.GetService<PostgresDataSources>().For(set.RegistryConnectionString);
        var held = new List<NpgsqlConnection>();
        try
        {
            // Take connections until the pool refuses one: the replica's own background work may hold one already.
            var refused = false;
            var refusedAfter = TimeSpan.Zero;
            while (!refused && held.Count <= MaxPoolSize)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                var opening = Stopwatch.StartNew();
                try
                {
                    held.Add(await pool.OpenConnectionAsync(wait.Token));
                }
                catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
                {
                    (refused, refusedAfter) = (true, opening.Elapsed);
                }
            }

            Assert.True(refused, $"{held.Count} connections opened from a pool of {MaxPoolSize}: the replica's registry does not use this data source.");
            var started = Stopwatch.StartNew();
            var lookup = UnavailableAsync(() => GetAsync(a, looked.LicenseNumber));
            var verification = VerifyAsync(a, payload, "handheld-pool");
            var write = UnavailableAsync(() => UpdateStatusAsync(a, written.LicenseNumber, LicenseStatus.Suspended));
            await Task.WhenAll(lookup, verification, write);
            var allEndedAfter = started.Elapsed;

            TestContext.Current.SendDiagnosticMessage(
                $"Pool of {MaxPoolSize} exhausted ({held.Count} held by the test; its next open, cancelled after 1 s, ended after {refusedAfter.TotalMilliseconds:0} ms): lookup refused after {(await lookup).TotalMilliseconds:0} ms, " +
                $"write after {(await write).TotalMilliseconds:0} ms, all three calls ended after {allEndedAfter.TotalMilliseconds:0} ms.");
            Assert.Equal(Verdict.StatusUnavailable, (await verification).Verdict);
            Assert.True(allEndedAfter < TimeSpan.FromSeconds(4), $"With a 2 s registry budget, the calls took {allEndedAfter} to end.");
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        // The connections back in the pool: the same calls succeed, nothing was leaked by the refused ones.
        Assert.Equal(looked.LicenseNumber, (await GetAsync(a, looked.LicenseNumber)).License.LicenseNumber);
        Assert.Equal(Verdict.Valid, (await VerifyAsync(a, payload, "handheld-pool")).Verdict);
        await UpdateStatusAsync(a, written.LicenseNumber, LicenseStatus.Suspended);
        Assert.Equal(LicenseStatus.Suspended, (await GetAsync(a, written.LicenseNumber)).License.Status);
    }
}
