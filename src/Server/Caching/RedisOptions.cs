using ELicense.Server.Internal;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Caching;

/// <summary>Configuration section "Redis".</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>The default file of the generated protection key (32 raw bytes, mode 0600).</summary>
    public const string DefaultProtectionKeyPath = "data/redis-protection-key.bin";

    /// <summary>Length of the protection key, in bytes.</summary>
    public const int ProtectionKeyBytes = 32;

    /// <summary>
    /// A StackExchange.Redis configuration string such as "127.0.0.1:6379". Empty: no Redis, so each
    /// replica caches in memory only and replay checks are local (a warning is logged at start).
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "el:v1:";

    /// <summary>
    /// The key that hides what the cache holds (see <see cref="RedisKeyMaterial"/>), base64 (32 bytes):
    /// cache keys and invalidation messages carry keyed hashes of licence numbers, plates and VINs, and
    /// values are encrypted. When set it wins over <see cref="ProtectionKeyPath"/>. Every replica sharing
    /// one Redis (and <see cref="KeyPrefix"/>) must use the same key; one that does not is told so by the
    /// key fingerprint in Redis and keeps its cache to itself.
    /// </summary>
    public string? ProtectionKey { get; set; }

    /// <summary>
    /// Where the protection key is read from, or generated (once, mode 0600) when the file does not exist,
    /// <see cref="ProtectionKey"/> is not set and Redis is configured. Losing it only costs the cached
    /// entries (they are re-read from the registry). Without Redis no key is read: memory keys are hashed
    /// under a random key that never leaves the process.
    /// </summary>
    public string ProtectionKeyPath { get; set; } = DefaultProtectionKeyPath;

    /// <summary>The problems with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!string.IsNullOrEmpty(ProtectionKey))
        {
            if (!TryDecodeProtectionKey(ProtectionKey, out _))
            {
                // Never echo the configured value: it is a secret.
                errors.Add($"{SectionName}:{nameof(ProtectionKey)} must be {ProtectionKeyBytes} bytes in base64.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(Configuration) && string.IsNullOrWhiteSpace(ProtectionKeyPath))
        {
            errors.Add($"{SectionName}:{nameof(ProtectionKeyPath)} must not be empty when Redis is configured and {SectionName}:{nameof(ProtectionKey)} is not set.");
        }

        return errors;
    }

    internal static bool TryDecodeProtectionKey(string base64, out byte[] key) => KeyFile.TryDecodeBase64(base64, ProtectionKeyBytes, out key);
}

/// <summary>Checks <see cref="RedisOptions"/> at startup (registered with <c>ValidateOnStart</c>).</summary>
public sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
