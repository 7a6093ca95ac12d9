using System.Diagnostics.Metrics;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>
/// What a load tester reads from the server. Values are read through each replica's own meter factory:
/// every test server lives in this one process, and OpenTelemetry's providers see the same-named
/// instruments of all of them (in production there is one server per process). The scrape endpoint
/// itself is checked for what it serves.
/// </summary>
[Collection(SharedEnvironmentCollection.Name)]
public class MetricsTests(SharedEnvironment env)
{
    private const string Meter = "ELicense.Server";
    private const string GetLicense = "/elicense.v1.VerificationService/GetLicense";
    private static readonly HttpClient Http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Instruments_LookupsVerifyAndRefusal_RecordedByMethodStatusVerdictAndLevel()
    {
        var server = env.ServerA;
        var meters = server.GetService<IMeterFactory>();
        using var rpcs = new MetricCollector<double>(meters, Meter, "elicense.rpc.server.duration");
        using var verdicts = new MetricCollector<long>(meters, Meter, "elicense.verify.verdicts");
        using var reads = new MetricCollector<long>(meters, Meter, "elicense.cache.reads");

        var license = await TestData.CreateLicenseAsync(server);
        var qr = await TestData.IssueAsync(server, license.LicenseNumber); // reads the licence for the snapshot
        var lookup = new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck };
        await server.Verification.GetLicenseAsync(lookup, cancellationToken: Ct);
        await server.Verification.GetLicenseAsync(lookup, cancellationToken: Ct);
        var verdict = await server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = qr, DeviceId = "metrics-test" }, cancellationToken: Ct);
        var anonymous = new VerificationService.VerificationServiceClient(server.Channel);
        var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.GetLicenseAsync(lookup, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(Verdict.Valid, verdict.Verdict);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var calls = rpcs.GetMeasurementSnapshot();
        Assert.Equal(2, calls.Count(m => Is(m, "rpc.method", GetLicense) && Is(m, "rpc.grpc.status_code", 0)));
        Assert.Single(calls, m => Is(m, "rpc.method", GetLicense) && Is(m, "rpc.grpc.status_code", 16)); // refused before any service code
        Assert.All(calls, m => Assert.True(m.Value is > 0 and < 30));
        Assert.Single(verdicts.GetMeasurementSnapshot(), m => Is(m, "verdict", "valid") && Is(m, "replay_check", "shared"));
        // Four reads of a licence just written: the first after the write must reach the registry; which
        // level answers the others depends on when this replica hears of its own write (pub/sub).
        var licenseReads = reads.GetMeasurementSnapshot().Where(m => Is(m, "kind", "license") && Is(m, "stale", "false")).ToList();
        Assert.Equal(4, licenseReads.Count);
        Assert.Contains(licenseReads, m => Is(m, "level", "registry"));
        Assert.All(licenseReads, m => Assert.Contains(m.Tags["level"], new object?[] { "memory", "redis", "registry" }));
    }

    [Fact]
    public async Task Instruments_RequestToNoMethod_CountedUnderOneUnknownMethod()
    {
        var server = env.ServerA;
        using var rpcs = new MetricCollector<double>(server.GetService<IMeterFactory>(), Meter, "elicense.rpc.server.duration");

        // A made-up path must not become a series of its own: callers would choose the series count.
        using var response = await PostGrpcAsync(server, "/elicense.v1.Nope/" + Guid.NewGuid().ToString("N"));

        var call = Assert.Single(rpcs.GetMeasurementSnapshot());
        Assert.Equal("unknown", call.Tags["rpc.method"]);
    }

    [Fact]
    public async Task Gauges_AfterAuditedCallsAndAScan_ReadThisReplicasAuditLogReplayStoreAndBreaker()
    {
        var server = env.ServerA;
        var meters = server.GetService<IMeterFactory>();
        using var committed = new MetricCollector<long>(meters, Meter, "elicense.audit.records_committed");
        using var commits = new MetricCollector<long>(meters, Meter, "elicense.audit.commits");
        using var local = new MetricCollector<int>(meters, Meter, "elicense.replay.local_entries");
        using var breaker = new MetricCollector<int>(meters, Meter, "elicense.circuit_breaker.state");
        using var queue = new MetricCollector<int>(meters, Meter, "elicense.audit.queue_depth");
        committed.RecordObservableInstruments();
        var committedBefore = committed.LastMeasurement!.Value;

        var license = await TestData.CreateLicenseAsync(server);
        var qr = await TestData.IssueAsync(server, license.LicenseNumber);
        var lookup = new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck };
        await server.Verification.GetLicenseAsync(lookup, cancellationToken: Ct);
        await server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = qr, DeviceId = "metrics-test" }, cancellationToken: Ct);
        committed.RecordObservableInstruments();
        commits.RecordObservableInstruments();
        local.RecordObservableInstruments();
        breaker.RecordObservableInstruments();
        queue.RecordObservableInstruments();

        // Issue, lookup and verification are each recorded before they are answered.
        Assert.True(committed.LastMeasurement!.Value - committedBefore >= 3, $"{committed.LastMeasurement.Value - committedBefore} records committed");
        Assert.True(commits.LastMeasurement!.Value >= 1);
        Assert.True(local.LastMeasurement!.Value >= 1); // the scan's token id, remembered until it expires
        Assert.Equal(0, breaker.LastMeasurement!.Value);
        Assert.Equal("redis", breaker.LastMeasurement.Tags["pipeline"]);
        Assert.Equal(0, queue.LastMeasurement!.Value); // nothing waits once every call has been answered
    }

    [Fact]
    public async Task Scrape_MetricsEndpoint_ServesPrometheusTextWithEveryInstrument()
    {
        var server = env.ServerA;
        // A series appears once it has a measurement: one verification and one lookup make every one.
        var license = await TestData.CreateLicenseAsync(server);
        var qr = await TestData.IssueAsync(server, license.LicenseNumber);
        await server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = qr, DeviceId = "metrics-scrape" }, cancellationToken: Ct);
        await server.Verification.GetLicenseAsync(
            new GetLicenseRequest { LicenseNumber = license.LicenseNumber, Purpose = LookupPurpose.RoadsideCheck }, cancellationToken: Ct);

        using var response = await Http.GetAsync(server.MetricsUri, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {server.MetricsUri}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.All(
            [
                "elicense_rpc_server_duration_seconds_bucket{", "elicense_verify_verdicts_total{", "elicense_cache_reads_total{",
                "elicense_circuit_breaker_state{", "elicense_audit_queue_depth{", "elicense_audit_records_committed_total{",
                "elicense_audit_commits_total{", "elicense_replay_local_entries{", "kestrel_active_connections{",
                "service_name=\"elicense-server\"",
            ],
            series => Assert.Contains(series, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrape_GrpcPort_DoesNotServeMetrics()
    {
        // Metrics have their own listener: the port callers reach answers gRPC only.
        using var response = await PostGrpcAsync(env.ServerA, "/metrics");
        Assert.NotEqual("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    private static bool Is<T>(CollectedMeasurement<T> measurement, string tag, object expected) where T : struct =>
        measurement.Tags.TryGetValue(tag, out var value) && Equals(value, expected);

    private static async Task<HttpResponseMessage> PostGrpcAsync(ServerInstance server, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, path))
        {
            Version = new Version(2, 0),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        return await Http.SendAsync(request, Ct);
    }
}
