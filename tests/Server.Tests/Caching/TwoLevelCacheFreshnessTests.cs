using ELicense.Server.Caching;
using ELicense.Server.Internal;
using ELicense.Server.Resilience;
using ELicense.Server.Tests.Credentials;
using ELicense.V1;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.Registry;
using Xunit;
using ELicense.Server.Registry;

namespace ELicense.Server.Tests.Caching;

/// <summary>What a memory hit says about its lag, and when it is not served as fresh at all.</summary>
public sealed class TwoLevelCacheFreshnessTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly ServiceProvider _services;
    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly CacheOptions _options = new();
    private readonly InvalidationState _state;
    private readonly ChangeTracker _changes;
    private readonly TwoLevelCache<LicenseEntry> _cache;
    private int _loads;

    public TwoLevelCacheFreshnessTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Resilience:RegistryRetries"] = "0" })
            .Build();
        _services = new ServiceCollection().AddLogging().AddResiliencePipelines(configuration).BuildServiceProvider();
        var redis = new RedisConnection(Options.Create(new RedisOptions()), NullLogger<RedisConnection>.Instance);
        var changes = _changes = new ChangeTracker(Options.Create(_options), _time);
        changes.Advance(10);
        _state = new InvalidationState(Options.Create(_options), _time);
        _cache = new TwoLevelCache<LicenseEntry>(_memory, redis, _services.GetRequiredService<ResiliencePipelineProvider<string>>(),
            Options.Create(_options), changes, _state, _time, NullLogger<TwoLevelCache<LicenseEntry>>.Instance,
            new RedisValueSealer(RedisKeyMaterial.Ephemeral(), NullLogger<RedisValueSealer>.Instance));
    }

    private ValueTask<CacheRead<LicenseEntry>> Read(bool registryDown = false) =>
        _cache.GetAsync("lic:1", 0, (_, _) =>
        {
            Interlocked.Increment(ref _loads);
            return registryDown
                ? throw new InvalidOperationException("registry down")
                : ValueTask.FromResult(new LicenseEntry { License = CredentialTestKit.SampleLicense(), Violations = new ViolationSummary() });
        }, TestContext.Current.CancellationToken);

    private void Poll() => _state.PollSucceeded(_state.PollStarting());

    [Fact]
    public async Task GetAsync_RegistryRead_CarriesNoLagAndNoPath()
    {
        var read = await Read();

        Assert.Equal(DataSource.Registry, read.Source);
        Assert.Equal(FreshnessBound.JustRead, read.Bound);
    }

    [Fact]
    public async Task GetAsync_MemoryHitWithFeedOnly_CarriesFeedBound()
    {
        Poll();
        await Read();
        _time.Advance(TimeSpan.FromSeconds(5));
        Poll();

        var hit = await Read();

        Assert.Equal(DataSource.Memory, hit.Source);
        Assert.False(hit.Stale);
        Assert.Equal(InvalidationPath.FeedOnly, hit.Bound.Path);
        Assert.Equal(_options.ChangeFeedInterval, hit.Bound.MaxLag);
    }

    [Fact]
    public async Task GetAsync_FeedAndPubSubBothSilentPastLimit_ReadsThrough()
    {
        Poll();
        await Read();
        _time.Advance(_options.MaxFeedOnlyLag + TimeSpan.FromMilliseconds(1));

        var read = await Read();

        Assert.Equal(DataSource.Registry, read.Source);
        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task GetAsync_FeedSilentPastLimitAndRegistryDown_ServesMemoryCopyMarkedStale()
    {
        Poll();
        await Read();
        _time.Advance(TimeSpan.FromSeconds(3));

        var read = await Read(registryDown: true);

        Assert.Equal(DataSource.Memory, read.Source);
        Assert.True(read.Stale);
        Assert.Equal(InvalidationPath.None, read.Bound.Path);
        Assert.Equal(TimeSpan.FromSeconds(3), read.Bound.MaxLag);
    }

    [Fact]
    public async Task GetAsync_RevocationArrivesWhileFailingLoadRuns_ThrowsRatherThanServeSupersededCopy()
    {
        Poll();
        await Read();
        _time.Advance(TimeSpan.FromSeconds(3)); // too old to serve as fresh: the read goes through

        // The pub/sub message of a revocation lands while the registry call is failing.
        var read = _cache.GetAsync("lic:1", 0, (_, _) =>
        {
            _changes.Record("lic:1", 11);
            throw new InvalidOperationException("registry down");
        }, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<RegistryUnavailableException>(async () => await read);
    }

    [Fact]
    public async Task GetAsync_SlowRegistryReadWhileFeedSilent_CopyAgeCountsFromReadStart()
    {
        Poll();
        await _cache.GetAsync("lic:1", 0, (_, _) =>
        {
            _time.Advance(TimeSpan.FromSeconds(2)); // a revocation committed meanwhile may be missing from what it returns
            return ValueTask.FromResult(new LicenseEntry { License = CredentialTestKit.SampleLicense(), Violations = new ViolationSummary() });
        }, TestContext.Current.CancellationToken);

        var next = await Read();

        Assert.Equal(DataSource.Registry, next.Source); // the copy may lag 2 s: past MaxFeedOnlyLag, so not served as fresh
    }

    public void Dispose()
    {
        _memory.Dispose();
        _services.Dispose();
    }
}
