using System.Security.Cryptography;
using ELicense.Server.Caching;
using ELicense.Server.Resilience;
using ELicense.Server.Tests.Credentials;
using ELicense.Server.Credentials;
using ELicense.Server.Verification.Replay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.Registry;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>The guard's local mode (no Redis configured); the shared mode and its losses are covered by the integration tests (ReplayClaimLossTests).</summary>
public sealed class ReplayGuardTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging()
        .AddResiliencePipelines(new ConfigurationBuilder().Build()).BuildServiceProvider();
    private readonly ClaimWriteBackQueue _writeBack;
    private readonly ReplayGuard _guard;

    public ReplayGuardTests()
    {
        var redis = new RedisConnection(Options.Create(new RedisOptions()), NullLogger<RedisConnection>.Instance);
        _writeBack = new ClaimWriteBackQueue(Options.Create(new ReplayOptions()), _time);
        _guard = new ReplayGuard(new RedisClaimStore(redis, _services.GetRequiredService<ResiliencePipelineProvider<string>>()),
            new LocalClaims(), new ClaimLossDetector(Options.Create(new CredentialOptions()), Options.Create(new ReplayOptions()), _time), _writeBack,
            new ReplicaWait(redis, Options.Create(new ReplayOptions()), _time, NullLogger<ReplicaWait>.Instance), _time, NullLogger<ReplayGuard>.Instance);
    }

    private DateTimeOffset KeepUntil => _time.GetUtcNow().AddMinutes(3.5);

    private ValueTask<ReplayDecision> Check(byte[] token, string device, DateTimeOffset keepUntil, CancellationToken ct) =>
        _guard.CheckAsync(token, Convert.ToHexStringLower(token), device, keepUntil, ct);

    [Fact]
    public async Task CheckAsync_FirstSameOtherDevice_FirstRepeatReplayed()
    {
        var token = RandomNumberGenerator.GetBytes(16);
        var ct = TestContext.Current.CancellationToken;

        var first = await Check(token, "device-a", KeepUntil, ct);
        _time.Advance(TimeSpan.FromSeconds(5));
        var repeat = await Check(token, "device-a", KeepUntil, ct);
        var replay = await Check(token, "device-b", KeepUntil, ct);

        Assert.Equal(ReplayOutcome.FirstScan, first.Outcome);
        Assert.Equal(ReplayAuthority.LocalOnly, first.Authority);
        Assert.Equal(ReplayOutcome.RepeatScan, repeat.Outcome);
        Assert.Equal(first.FirstScanAt, repeat.FirstScanAt);
        Assert.Equal(ReplayOutcome.Replayed, replay.Outcome);
    }

    [Fact]
    public async Task CheckAsync_ConcurrentScansOfOneToken_ExactlyOneFirst()
    {
        var token = RandomNumberGenerator.GetBytes(16);
        var ct = TestContext.Current.CancellationToken;

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            Task.Run(async () => await Check(token, $"device-{i}", KeepUntil, ct), ct)));

        Assert.Single(results, r => r.Outcome == ReplayOutcome.FirstScan);
        Assert.Equal(63, results.Count(r => r.Outcome == ReplayOutcome.Replayed));
    }

    [Fact]
    public async Task CheckAsync_ExpiredEntries_AreSweptAway()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 100; i++)
        {
            await Check(RandomNumberGenerator.GetBytes(16), "device-a", KeepUntil, ct);
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        await Check(RandomNumberGenerator.GetBytes(16), "device-a", KeepUntil, ct);

        Assert.Equal(1, _guard.LocalCount);
    }

    [Fact]
    public async Task CheckAsync_NoRedisConfigured_QueuesNothingForWriteBack()
    {
        // Without Redis there is nothing to write back to, and no window to announce.
        await Check(RandomNumberGenerator.GetBytes(16), "device-a", KeepUntil, TestContext.Current.CancellationToken);

        Assert.Equal(0, _writeBack.Count);
        Assert.False(_guard.SharedIncomplete);
    }

    public void Dispose()
    {
        _writeBack.Dispose();
        _services.Dispose();
    }
}
