using ELicense.Server.Caching;
using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using ELicense.Server.Tests.Credentials;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Caching;

/// <summary>The follower as the server composes it (AddCaching), on a fake clock, a feed-only store and a given signal.</summary>
public sealed partial class ChangeFeedFollowerTests
{
    private static readonly TimeSpan Interval = new CacheOptions().ChangeFeedInterval;

    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly FeedOnlyStore _store = new();
    private readonly RegistryChangeLatch _latch = new();
    private ServiceProvider? _services;
    private ChangeFeedFollower? _follower;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_follower is not null)
        {
            await _follower.StopWithinBoundAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private async Task<ObservedSignal> StartAsync(IRegistryChangeSignal inner)
    {
        var configuration = new ConfigurationBuilder().Build();
        var signal = new ObservedSignal(inner, _store);
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton<IRegistryStore>(_store)
            .AddSingleton<IRegistryChangeSignal>(signal)
            .AddResiliencePipelines(configuration)
            .AddCaching(configuration)
            .BuildServiceProvider();
        _follower = _services.GetRequiredService<ChangeFeedFollower>();
        await _follower.StartAsync(Ct);
        return signal;
    }
}
