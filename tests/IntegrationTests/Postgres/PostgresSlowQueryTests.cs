using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Npgsql;
using Xunit;
using static ELicense.IntegrationTests.Postgres.FaultCalls;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>
/// A query PostgreSQL cannot answer in time, because another transaction holds a lock it needs: the
/// registry pipeline's timeout cuts the call (UNAVAILABLE with RetryInfo, STATUS_UNAVAILABLE for a
/// verification), the server's statement is cancelled in PostgreSQL rather than left waiting, and once
/// the lock goes the same calls succeed. The audit trail is each replica's own file, the lock the test's.
/// </summary>
public sealed class PostgresSlowQueryTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    /// <summary>
    /// Above the 2 s registry budget by what cancelling a running statement takes (Npgsql's cancel request
    /// round trip: up to 1.8 s more was seen on a busy machine, 3.3 s at a load average of 46), below the
    /// calls' own 8 s deadline, so a cut by the server still tells itself apart from the client's deadline.
    /// </summary>
    private static readonly TimeSpan CutWithin = TimeSpan.FromSeconds(7);

    private Task<PostgresReplicas> StartAsync(string name) => PostgresReplicas.StartAsync(name, new PostgresReplicaSettings
    {
        Replicas = 1,
        Redis = false,
        AuditOnPostgres = false,
        ExtraArgs = ShortRegistryBudget,
        Cluster = fixture.Cluster,
    });

    [Fact]
    public async Task UpdateLicenseStatus_RowLockedByAnotherTransaction_CutByTheRegistryTimeoutAndCancelled()
    {
        await using var set = await StartAsync("row-lock");
        var license = await TestData.CreateLicenseAsync(set.A);
        await using var locker = await PostgresProbe.OpenAsync(set.Database, TestContext.Current.CancellationToken);
        await using var transaction = await locker.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await PostgresProbe.ScalarAsync<int>(locker, "SELECT 1 FROM registry.licenses WHERE license_number = $1 FOR UPDATE", license.LicenseNumber);

        var cutAfter = await UnavailableAsync(() => UpdateStatusAsync(set.A, license.LicenseNumber, LicenseStatus.Revoked, seconds: 8));
        // Cut at the server, not only abandoned: no statement of the server is still queued behind the lock.
        var cancelledAfter = await TestData.EventuallyAsync(async () => await PostgresProbe.WaitingOnLocksAsync(set.Database, locker.ProcessID) == 0, TimeSpan.FromSeconds(2));
        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        var untouched = await GetAsync(set.A, license.LicenseNumber);
        await UpdateStatusAsync(set.A, license.LicenseNumber, LicenseStatus.Revoked);
        var written = await GetAsync(set.A, license.LicenseNumber);

        TestContext.Current.SendDiagnosticMessage($"Row-locked write cut after {cutAfter.TotalMilliseconds:0} ms; no server statement waiting {cancelledAfter.TotalMilliseconds:0} ms later.");
        Assert.InRange(cutAfter, TimeSpan.FromMilliseconds(900), CutWithin);
        Assert.Equal(LicenseStatus.Normal, untouched.License.Status); // the refused write did not land behind the caller's back
        Assert.Equal(LicenseStatus.Revoked, written.License.Status);
    }

    [Fact]
    public async Task GetLicenseAndVerify_TableLockedByAnotherTransaction_UnavailableWithinTheBudget()
    {
        await using var set = await StartAsync("table-lock");
        var license = await TestData.CreateLicenseAsync(set.A);
        var payload = Mint(set.DirectoryA, license);
        await using var locker = await PostgresProbe.OpenAsync(set.Database, TestContext.Current.CancellationToken);
        await using var transaction = await locker.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE registry.licenses IN ACCESS EXCLUSIVE MODE", locker))
        {
            await lockTable.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var lookupCutAfter = await UnavailableAsync(() => GetAsync(set.A, license.LicenseNumber, seconds: 8));
        var verifying = Stopwatch.StartNew();
        var verdict = await VerifyAsync(set.A, payload, "handheld-slow", seconds: 8);
        var verifyCutAfter = verifying.Elapsed;
        await TestData.EventuallyAsync(async () => await PostgresProbe.WaitingOnLocksAsync(set.Database, locker.ProcessID) == 0, TimeSpan.FromSeconds(2));
        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        var read = await GetAsync(set.A, license.LicenseNumber);
        var after = await VerifyAsync(set.A, payload, "handheld-slow"); // the same device again: a repeat scan, valid

        TestContext.Current.SendDiagnosticMessage($"Table-locked lookup cut after {lookupCutAfter.TotalMilliseconds:0} ms, verification after {verifyCutAfter.TotalMilliseconds:0} ms.");
        Assert.InRange(lookupCutAfter, TimeSpan.FromMilliseconds(900), CutWithin);
        Assert.Equal(Verdict.StatusUnavailable, verdict.Verdict);
        Assert.Null(verdict.License);
        Assert.True(verifyCutAfter < CutWithin, $"The verification took {verifyCutAfter}.");
        Assert.Equal(license.LicenseNumber, read.License.LicenseNumber);
        Assert.Equal(Verdict.Valid, after.Verdict);
    }
}
