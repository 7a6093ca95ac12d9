using System.Globalization;
using System.Text.RegularExpressions;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Xunit;
using static ELicense.IntegrationTests.Postgres.FaultCalls;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>
/// PostgreSQL — registry and audit trail in one database — crashes under load on two replicas and comes
/// back: every call answers honestly meanwhile, every answered call has its audit record afterwards, the
/// replicas recover by themselves, and the chain verifies.
/// </summary>
public sealed partial class PostgresAuditOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetLicenseAndVerify_PostgresCrashedUnderLoad_NoAnsweredCallLosesItsAuditRecord()
    {
        // The holder reads their own trail back page by page: far above the holder's usual 5 calls a second.
        await using var set = await PostgresReplicas.StartAsync("audit-outage", new PostgresReplicaSettings
        {
            ExtraArgs = [.. ShortRegistryBudget, "--Auth:RoleRateLimits:holder=100000"],
        });
        var ledger = new CallLedger();
        var own = TestData.NewLicense();
        own.LicenseNumber = TestCallers.HolderLicenseNumber;
        await set.A.Registry.UpsertLicenseAsync(new UpsertLicenseRequest { License = own }, Call());
        var payloads = new List<string>();
        foreach (var replica in set.Replicas)
        {
            payloads.Add(await TestData.IssueAsync(replica, own.LicenseNumber));
            ledger.Answer("IssueCredential", "OK"); // issuing hands out the snapshot: audited under the licence too
        }

        using var stop = new CancellationTokenSource();
        var loops = set.Replicas.SelectMany((replica, i) => new[]
        {
            LoopAsync(async () => ledger.Lookup(await GetAsync(replica, own.LicenseNumber, seconds: 4)), ledger, stop.Token),
            LoopAsync(async () => ledger.Verification(await VerifyAsync(replica, payloads[i], $"gate-{i}", seconds: 4)), ledger, stop.Token),
        }).ToArray();
        await TestData.EventuallyAsync(() => Task.FromResult(ledger.AnsweredCount >= 40), TimeSpan.FromSeconds(10));
        var answeredBefore = ledger.AnsweredCount;

        await set.StopPostgresAsync("immediate");
        await TestData.EventuallyAsync(() => Task.FromResult(ledger.Unavailable >= 4), TimeSpan.FromSeconds(10));
        await set.StartPostgresAgainAsync();
        var answeredAtRestart = ledger.AnsweredCount;
        var recoveredAfter = await TestData.EventuallyAsync(() => Task.FromResult(ledger.AnsweredCount >= answeredAtRestart + 40), TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var replica in set.Replicas)
        {
            ledger.Lookup(await GetAsync(replica, own.LicenseNumber)); // each replica answers again, by itself
        }

        Dictionary<(string Method, string Result), int> recorded = [];
        await TestData.EventuallyAsync(async () =>
        {
            recorded = await RecordedChecksAsync(set.A, own.LicenseNumber);
            return ledger.Answered.All(a => recorded.GetValueOrDefault(a.Key) >= a.Value);
        }, TimeSpan.FromSeconds(10));
        var (exit, output) = await VerifyTrailAsync(set.Database);

        TestContext.Current.SendDiagnosticMessage(
            $"PostgreSQL crashed under load on 2 replicas: {ledger} ({answeredBefore} before the crash); answering again {recoveredAfter.TotalMilliseconds:0} ms after it was back; " +
            $"{recorded.Values.Sum()} records for the licence; audit verify: {output.Trim()}");
        Assert.Empty(ledger.Dishonest);
        foreach (var (key, answered) in ledger.Answered)
        {
            // At least one record per answer (none lost); at most one per call that may have been recorded (none doubled).
            var stored = recorded.GetValueOrDefault(key);
            Assert.True(stored >= answered, $"{key}: {answered} answered, only {stored} recorded.");
            Assert.True(stored <= answered + ledger.Unavailable + ledger.Unknown, $"{key}: {answered} answered, {stored} recorded.");
        }

        Assert.Equal(0, exit);
        var total = long.Parse(RecordCount().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(total >= ledger.AnsweredCount, $"audit verify counts {total} records for {ledger.AnsweredCount} answers.");
    }

    private static async Task LoopAsync(Func<Task> call, CallLedger ledger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await call();
            }
            catch (RpcException e)
            {
                ledger.Failure(e);
            }
        }
    }

    /// <summary>The holder's view of who checked their licence, every page, counted by (method, result).</summary>
    private static async Task<Dictionary<(string Method, string Result), int>> RecordedChecksAsync(ServerInstance server, string licenseNumber)
    {
        var holder = new HolderService.HolderServiceClient(server.As(TestCallers.Holder));
        var counts = new Dictionary<(string Method, string Result), int>();
        var token = "";
        do
        {
            var page = await holder.ListLicenseChecksAsync(
                new ListLicenseChecksRequest { LicenseNumber = licenseNumber, PageSize = 100, PageToken = token }, Call(10));
            foreach (var check in page.Checks)
            {
                counts[(check.Method, check.Result)] = counts.GetValueOrDefault((check.Method, check.Result)) + 1;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return counts;
    }

    /// <summary><c>audit verify</c> on the PostgreSQL trail, as an operator runs it.</summary>
    private static async Task<(int Exit, string Output)> VerifyTrailAsync(string connectionString)
    {
        string[] args = ["verify", "--Audit:Provider=Postgres", $"--Audit:ConnectionString={connectionString}"];
        var output = new StringWriter();
        var exit = await ELicense.Server.Auditing.AuditCommand.RunAsync(args, new ConfigurationBuilder().AddCommandLine(args[1..]).Build(),
            ELicense.Server.Auditing.Engines.AuditEngine.OpenReadOnlyTrail, output, Ct);
        return (exit, output.ToString());
    }

    [GeneratedRegex(@"^OK: (\d+) records", RegexOptions.Multiline)]
    private static partial Regex RecordCount();
}
