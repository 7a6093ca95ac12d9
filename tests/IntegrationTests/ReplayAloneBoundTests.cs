using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Xunit;
using static ELicense.IntegrationTests.Infrastructure.PrivateReplicas;

namespace ELicense.IntegrationTests;

/// <summary>
/// A replica cut off from Redis answers alone only for Replay:MaxTimeAlone: its peers forget a silent
/// replica that long plus a window after its last heartbeat, so a claim made alone later than that could
/// never be learnt of, and a replay elsewhere would be answered VALID as authoritative.
/// </summary>
public sealed class ReplayAloneBoundTests : IAsyncLifetime
{
    private PrivateReplicas _replicas = null!;

    public async ValueTask InitializeAsync() =>
        _replicas = await PrivateReplicas.StartAsync("replay-alone", ["--Replay:MaxTimeAlone=00:00:01"]);

    [Fact]
    public async Task VerifyCredential_CutOffLongerThanMaxTimeAlone_StatusUnavailableButKnownReplaysStillRefused()
    {
        var a = _replicas.A;
        var license = await TestData.CreateLicenseAsync(a);
        var claimed = await TestData.IssueAsync(a, license.LicenseNumber);
        var outageStart = DateTimeOffset.UtcNow;
        Assert.Equal(Verdict.Valid, (await ScanAsync(a, claimed, "device-a")).Verdict);

        await _replicas.Redis.StopAsync();
        var seen = new List<(TimeSpan After, Verdict Verdict, ReplayCheck Check)>();
        await TestData.EventuallyAsync(async () =>
        {
            var answer = await ScanAsync(a, await TestData.IssueAsync(a, license.LicenseNumber), "device-a");
            seen.Add((DateTimeOffset.UtcNow - outageStart, answer.Verdict, answer.ReplayCheck));
            return answer.Verdict == Verdict.StatusUnavailable;
        }, TimeSpan.FromSeconds(15));
        var replay = await ScanAsync(a, claimed, "device-x");
        var repeat = await ScanAsync(a, claimed, "device-a");

        // Before the bound: passed, said to be checked here only; never a pass once alone too long. (When
        // exactly is counted from A's last heartbeat, which a client cannot see: the unit tests time it.)
        Assert.All(seen.SkipLast(1), s => Assert.Equal((Verdict.Valid, ReplayCheck.LocalOnly), (s.Verdict, s.Check)));
        Assert.Equal(ReplayCheck.LocalOnly, seen[^1].Check);
        Assert.Equal(Verdict.Replayed, replay.Verdict);
        Assert.Equal(Verdict.StatusUnavailable, repeat.Verdict);
        TestContext.Current.SendDiagnosticMessage($"Alone bound: {seen.Count} scans, first refusal {seen[^1].After.TotalMilliseconds:0} ms into the outage.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }
    }
}
