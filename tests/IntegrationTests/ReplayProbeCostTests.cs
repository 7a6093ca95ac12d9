using System.Globalization;
using ELicense.IntegrationTests.Infrastructure;
using StackExchange.Redis;
using Xunit;
using Replay = ELicense.Server.Verification.Replay;

namespace ELicense.IntegrationTests;

/// <summary>
/// The heartbeat probe's cost in Redis, counted (not timed): it reads the run_id (INFO server) every round but once per
/// Redis server, so a probe of the 64 buckets on a single Redis runs 65 INFO calls (the writer check's
/// `INFO replication`, one per bucket, and one `INFO server`) instead of 128.
/// </summary>
public sealed class ReplayProbeCostTests : IAsyncLifetime
{
    private PrivateReplicas _replicas = null!;

    public async ValueTask InitializeAsync() => _replicas = await PrivateReplicas.StartAsync("probe-cost");

    [Fact]
    public async Task Probe_SingleRedis_ReadsTheRunIdOncePerRound()
    {
        var (a, b) = (_replicas.A, _replicas.B);
        var license = await TestData.CreateLicenseAsync(a);
        await PrivateReplicas.WaitUntilSharedAsync(a, license.LicenseNumber);
        await PrivateReplicas.WaitUntilSharedAsync(b, license.LicenseNumber);
        long Probes() => a.GetService<Replay.ClaimWriteBack>().Probes + b.GetService<Replay.ClaimWriteBack>().Probes;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_replicas.Redis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);

        var (calls0, probes0) = (await InfoCallsAsync(server), Probes());
        await TestData.EventuallyAsync(() => Task.FromResult(Probes() >= probes0 + 240), TimeSpan.FromSeconds(60));
        var (calls1, probes1) = (await InfoCallsAsync(server), Probes());

        // Every bucket's writer check (64), plus one run_id for the one server (128 if every bucket read it). A probe
        // in flight at either count (one per replica) makes perProbe uncertain by about ±0.5 over 240 probes; a probe
        // that failed a bucket ran its scripts uncounted (slack above).
        var perProbe = (double)(calls1 - calls0) / (probes1 - probes0);
        TestContext.Current.SendDiagnosticMessage($"INFO calls per probe: {perProbe:0.00} over {probes1 - probes0} probes");
        Assert.InRange(perProbe - Replay.ReplayKeys.Count, 0.4, 4);
        Assert.False(PrivateReplicas.SharedIncomplete(a));
    }

    // INFO calls Redis has run, those inside scripts included (commandstats counts them as calls of INFO).
    private static async Task<long> InfoCallsAsync(IServer server)
    {
        var stats = (await server.InfoAsync("commandstats")).SelectMany(g => g).FirstOrDefault(p => p.Key == "cmdstat_info").Value ?? "calls=0";
        var calls = stats.Split(',')[0]["calls=".Length..];
        return long.Parse(calls, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }
    }
}
