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

/// <summary>The cache's own logic, with no Redis configured and a scripted registry.</summary>
public sealed class TwoLevelCacheTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly ServiceProvider _services;
    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly TwoLevelCache<LicenseEntry> _cache;
    private readonly CacheOptions _options = new();
    private readonly ChangeTracker _changes;
    private int _loads;

    public TwoLevelCacheTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Resilience:RegistryRetries"] = "0" })
            .Build();
        _services = new ServiceCollection().AddLogging().AddResiliencePipelines(configuration).BuildServiceProvider();
        var redis = new RedisConnection(Options.Create(new RedisOptions()), NullLogger<RedisConnection>.Instance);
        _changes = new ChangeTracker(Options.Create(_options), _time);
        _changes.Advance(10);
        _cache = new TwoLevelCache<LicenseEntry>(_memory, redis, _services.GetRequiredService<ResiliencePipelineProvider<string>>(),
            Options.Create(_options), _changes, new InvalidationState(Options.Create(_options), _time), _time, NullLogger<TwoLevelCache<LicenseEntry>>.Instance,
            new RedisValueSealer(RedisKeyMaterial.Ephemeral(), NullLogger<RedisValueSealer>.Instance));
    }

    private ValueTask<CacheRead<LicenseEntry>> Read(Func<LicenseEntry>? registry = null) =>
        _cache.GetAsync("lic:1", registry ?? Found, (_, _) =>
        {
            Interlocked.Increment(ref _loads);
            return ValueTask.FromResult(registry is null ? Found() : registry());
        }, TestContext.Current.CancellationToken);

    private static LicenseEntry Found() => new() { License = CredentialTestKit.SampleLicense(), Violations = new ViolationSummary() };

    [Fact]
    public async Task GetAsync_SecondRead_ComesFromMemory()
    {
        var first = await Read();
        var second = await Read();

        Assert.Equal(DataSource.Registry, first.Source);
        Assert.Equal(DataSource.Memory, second.Source);
        Assert.Equal(1, _loads);
        Assert.Equal(CredentialTestKit.Start.ToUnixTimeMilliseconds(), second.Entry.AsOfUnixMs);
    }

    [Fact]
    public async Task GetAsync_ConcurrentMisses_ReadRegistryOnce()
    {
        var gate = new TaskCompletionSource<LicenseEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = Enumerable.Range(0, 20).Select(_ => _cache.GetAsync("lic:1", 0, async (_, _) =>
        {
            Interlocked.Increment(ref _loads);
            return await gate.Task;
        }, TestContext.Current.CancellationToken).AsTask()).ToArray();

        gate.SetResult(Found());
        var results = await Task.WhenAll(reads);

        Assert.Equal(1, _loads);
        Assert.All(results, r => Assert.False(r.Entry.IsNegative));
    }

    [Fact]
    public async Task GetAsync_RegistryDownAfterTtl_ServesStaleCopyFlagged()
    {
        await Read();
        _time.Advance(_options.MemoryTtl + TimeSpan.FromSeconds(1));

        var read = await Read(() => throw new InvalidOperationException("registry down"));

        Assert.True(read.Stale);
        Assert.Equal(DataSource.Memory, read.Source);
        Assert.Equal(CredentialTestKit.Start.ToUnixTimeMilliseconds(), read.Entry.AsOfUnixMs);
    }

    [Fact]
    public async Task GetAsync_RegistryDownBeyondMaxStaleness_Throws()
    {
        await Read();
        _time.Advance(_options.MemoryTtl + _options.MaxStaleness + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<RegistryUnavailableException>(async () => await Read(() => throw new InvalidOperationException("registry down")));
    }

    [Fact]
    public async Task GetAsync_RegistryDownNothingCached_Throws()
    {
        await Assert.ThrowsAsync<RegistryUnavailableException>(async () => await Read(() => throw new InvalidOperationException("registry down")));
    }

    [Fact]
    public async Task GetAsync_UnknownKey_CachesNegativeEntry()
    {
        var first = await Read(() => new LicenseEntry());
        var second = await Read(() => new LicenseEntry());

        Assert.True(first.Entry.IsNegative);
        Assert.True(second.Entry.IsNegative);
        Assert.Equal(DataSource.Memory, second.Source);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task InvalidateLocal_AfterRead_NextReadGoesToRegistry()
    {
        await Read();

        _cache.InvalidateLocal("lic:1");
        var read = await Read();

        Assert.Equal(DataSource.Registry, read.Source);
        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task GetAsync_ChangeArrivesDuringLoad_LoadedValueIsNotCached()
    {
        var gate = new TaskCompletionSource<LicenseEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = _cache.GetAsync("lic:1", 0, async (_, _) => await gate.Task, TestContext.Current.CancellationToken).AsTask();

        _changes.Record("lic:1", 11); // what CacheInvalidator.Apply does
        _cache.InvalidateLocal("lic:1");
        gate.SetResult(Found());
        await pending;
        var next = await Read();

        Assert.Equal(DataSource.Registry, next.Source);
    }

    [Fact]
    public async Task GetAsync_EntryOlderThanKnownChange_IsRefusedUntilReadAfterIt()
    {
        await Read();                       // stamped 10
        _changes.Record("lic:1", 11);       // e.g. a pub/sub message: changed at 11

        var refused = await Read();         // the stamp-10 copy must not be served
        var stillBehind = await Read();     // the feed is not at 11 yet: reads are not cached
        _changes.Advance(11);
        var caught = await Read();
        var cached = await Read();

        Assert.Equal(DataSource.Registry, refused.Source);
        Assert.Equal(DataSource.Registry, stillBehind.Source);
        Assert.Equal(DataSource.Registry, caught.Source);
        Assert.Equal(11, caught.Entry.AsOfSequence);
        Assert.Equal(DataSource.Memory, cached.Source);
    }

    [Fact]
    public async Task GetAsync_RegistryDownAndCopySuperseded_ThrowsRatherThanServeIt()
    {
        await Read();
        _changes.Record("lic:1", 11);
        _time.Advance(_options.MemoryTtl + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<RegistryUnavailableException>(async () => await Read(() => throw new InvalidOperationException("registry down")));
    }

    [Fact]
    public async Task GetAsync_FirstCallerCancelled_OthersStillGetTheLoad()
    {
        var gate = new TaskCompletionSource<LicenseEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var firstCaller = new CancellationTokenSource();
        var first = _cache.GetAsync("lic:1", 0, async (_, _) => await gate.Task, firstCaller.Token).AsTask();
        var second = _cache.GetAsync("lic:1", 0, async (_, _) => await gate.Task, TestContext.Current.CancellationToken).AsTask();

        await firstCaller.CancelAsync();
        gate.SetResult(Found());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False((await second).Entry.IsNegative);
    }

    [Fact]
    public async Task GetAsync_FailedLoad_DoesNotPoisonTheNextRead()
    {
        await Assert.ThrowsAsync<RegistryUnavailableException>(async () => await Read(() => throw new InvalidOperationException("blip")));

        var next = await Read();

        Assert.Equal(DataSource.Registry, next.Source);
    }

    public void Dispose()
    {
        _memory.Dispose();
        _services.Dispose();
    }
}
