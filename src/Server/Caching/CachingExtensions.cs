using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>Registers the two-level cache, the shared Redis connection and both invalidation paths.</summary>
public static class CachingExtensions
{
    public static IServiceCollection AddCaching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().Bind(configuration.GetSection(RedisOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.AddOptions<CacheOptions>()
            .Bind(configuration.GetSection(CacheOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<MemoryCacheOptions>()
            .Configure<IOptions<CacheOptions>>((memory, cache) => memory.SizeLimit = cache.Value.MemoryMaxEntries);
        services.AddMemoryCache();

        // What Redis sees is keyed hashes and sealed values, never a licence number, plate, VIN or name.
        services.AddSingleton(sp => RedisKeyMaterial.Create(
            sp.GetRequiredService<IOptions<RedisOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RedisKeyMaterial>()));
        services.AddSingleton<CacheKeys>();
        services.AddSingleton<RedisValueSealer>();
        services.AddSingleton<ChangeTracker>();
        services.AddSingleton<InvalidationState>();
        services.AddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.AddSingleton<TwoLevelCache<LicenseEntry>>();
        services.AddSingleton<TwoLevelCache<VehicleEntry>>();
        services.AddSingleton<RegistryReader>();
        services.AddSingleton<InvalidationChannel>();
        services.AddSingleton<ChannelAgreement>();
        services.AddSingleton<CacheInvalidator>();
        services.AddSingleton<ChangeFeedFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeFeedFollower>());
        services.AddHostedService<InvalidationHeartbeat>();
        return services;
    }
}
