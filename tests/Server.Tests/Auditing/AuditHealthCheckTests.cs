using ELicense.Server.Auditing;
using ELicense.Server.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace ELicense.Server.Tests.Auditing;

/// <summary>The "audit" health check over a real audit file whose commits the test makes fail.</summary>
public sealed class AuditHealthCheckTests : IAsyncLifetime
{
    private const string FailCommits = "CREATE TRIGGER fail_commit BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'injected: disk full'); END;";

    private readonly TempAudit _audit = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _audit.DisposeAsync();

    private AuditHealthCheck Check(AuditWriter log) => new(log.CommitState, log, _audit.Time);

    private static Task<HealthCheckResult> RunAsync(AuditHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext(), Ct);

    [Fact]
    public async Task CheckHealthAsync_CommitsSucceeding_HealthyAndWritesNothing()
    {
        var log = await _audit.OpenAsync();
        await log.AppendAsync(_audit.Record("call"), Ct);

        var result = await RunAsync(Check(log));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1, log.Commits);
    }

    [Fact]
    public async Task CheckHealthAsync_LastCommitFailedAndStillFailing_UnhealthyWithTheCause()
    {
        var log = await _audit.OpenAsync();
        _audit.Execute(FailCommits);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.AppendAsync(_audit.Record("refused"), Ct).AsTask());
        Assert.False(log.CommitState.CanCommit);

        var result = await RunAsync(Check(log));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("injected: disk full", result.Description, StringComparison.Ordinal);
        Assert.Contains("2 failed commits", result.Description, StringComparison.Ordinal); // the call's, then the probe's
        Assert.Equal(0, log.Commits);
    }

    [Fact]
    public async Task CheckHealthAsync_LastCommitFailedThenCommitsAgain_ProbeRecordCommittedAndHealthy()
    {
        var log = await _audit.OpenAsync();
        await log.AppendAsync(_audit.Record("before"), Ct);
        _audit.Execute(FailCommits);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.AppendAsync(_audit.Record("refused"), Ct).AsTask());
        _audit.Execute("DROP TRIGGER fail_commit;");

        // No call comes (out of rotation): the check's own probe is what commits.
        var result = await RunAsync(Check(log));
        var again = await RunAsync(Check(log));
        await log.DisposeAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.True(log.CommitState.CanCommit);
        Assert.Equal(HealthStatus.Healthy, again.Status);
        var stored = _audit.Stored();
        Assert.Equal(["before", AuditHealthCheck.ProbeCaller], stored.Select(r => r.CallerId)); // one probe, not one per check
        Assert.Equal(AuditHealthCheck.ProbeMethod, stored[1].Method);
        var verification = await _audit.VerifyAsync();
        Assert.True(verification.Intact, verification.Problem?.Description);
    }
}
