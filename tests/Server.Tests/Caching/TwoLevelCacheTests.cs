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

namespace ELicense.Server.Tests.Caching;

/// <summary>The cache's own logic, with no Redis configured and a scripted registry.</summary>
public sealed class TwoLevelCacheTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly ServiceProvider _services;
    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly TwoLevelCache<LicenseEntry> _cache;
    private readonly CacheOptions _options = new();
    private int _loads;

    public TwoLevelCacheTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Resilience:RegistryRetries"] = "0" })
            .Build();
        _services = new ServiceCollection().AddLogging().AddResiliencePipelines(configuration).BuildServiceProvider();
        var redis = new RedisConnection(Options.Create(new RedisOptions()), NullLogger<RedisConnection>.Instance);
        _cache = new TwoLevelCache<LicenseEntry>(_memory, redis, _services.GetRequiredService<ResiliencePipelineProvider<string>>(),
            Options.Create(_options), _time, NullLogger<TwoLevelCache<LicenseEntry>>.Instance);
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
    public async Task InvalidateLocal_DuringLoad_LoadedValueIsNotCached()
    {
        var gate = new TaskCompletionSource<LicenseEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = _cache.GetAsync("lic:1", 0, async (_, _) => await gate.Task, TestContext.Current.CancellationToken).AsTask();

        _cache.InvalidateLocal("lic:1");
        gate.SetResult(Found());
        await pending;
        var next = await Read();

        Assert.Equal(DataSource.Registry, next.Source);
    }

    public void Dispose()
    {
        _memory.Dispose();
        _services.Dispose();
    }
}
