using System.Security.Cryptography;
using ELicense.Server.Internal;

namespace ELicense.Server.Caching;

/// <summary>
/// The keys that keep personal data out of Redis, derived from one protection key
/// (<see cref="RedisOptions.ProtectionKey"/> or the file <see cref="RedisOptions.ProtectionKeyPath"/>):
/// the HMAC key of <see cref="CacheKeys"/>, the AES-256-GCM key of <see cref="RedisValueSealer"/>, and a
/// fingerprint naming the protection key without revealing it, which replicas compare through Redis.
/// </summary>
/// <remarks>
/// One secret to configure and share rather than two: the derived keys are independent (HKDF with
/// distinct labels), and a replica with the wrong secret is wrong about both anyway.
/// </remarks>
public sealed partial class RedisKeyMaterial
{
    /// <summary>The id of the value key in every sealed value; a later key would get another id.</summary>
    public const byte CurrentKeyId = 1;

    private RedisKeyMaterial(ReadOnlySpan<byte> protectionKey)
    {
        HashKey = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, protectionKey, HashKey, salt: default, info: "elicense-redis-key-hash-v1"u8);
        ValueKey = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, protectionKey, ValueKey, salt: default, info: "elicense-redis-value-aead-v1"u8);
        Fingerprint = Convert.ToHexStringLower(HMACSHA256.HashData(protectionKey, "elicense-redis-protection-key-fingerprint-v1"u8)[..16]);
    }

    /// <summary>HMAC-SHA256 key of the cache keys.</summary>
    internal byte[] HashKey { get; }

    /// <summary>AES-256-GCM key of the values in Redis (id <see cref="CurrentKeyId"/>).</summary>
    internal byte[] ValueKey { get; }

    /// <summary>32 hex characters: HMAC(protection key, a fixed label), truncated. Safe to log and to store in Redis.</summary>
    public string Fingerprint { get; }

    /// <summary>Key material from a given protection key (tests, benchmarks).</summary>
    public static RedisKeyMaterial FromKey(ReadOnlySpan<byte> protectionKey)
    {
        if (protectionKey.Length != RedisOptions.ProtectionKeyBytes)
        {
            throw new ArgumentException($"The protection key must be {RedisOptions.ProtectionKeyBytes} bytes.", nameof(protectionKey));
        }

        return new RedisKeyMaterial(protectionKey);
    }

    /// <summary>A random key that dies with the process: memory-only caching needs no shared secret.</summary>
    public static RedisKeyMaterial Ephemeral() => new(RandomNumberGenerator.GetBytes(RedisOptions.ProtectionKeyBytes));

    /// <summary>
    /// The key material for these options: without Redis an ephemeral key; else the configured
    /// <see cref="RedisOptions.ProtectionKey"/>, else the key in <see cref="RedisOptions.ProtectionKeyPath"/>,
    /// generated there on first start (as the audit subject key is).
    /// </summary>
    public static RedisKeyMaterial Create(RedisOptions options, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            return Ephemeral();
        }

        if (!string.IsNullOrEmpty(options.ProtectionKey))
        {
            if (!RedisOptions.TryDecodeProtectionKey(options.ProtectionKey, out var configured))
            {
                throw new InvalidOperationException($"{RedisOptions.SectionName}:{nameof(RedisOptions.ProtectionKey)} must be {RedisOptions.ProtectionKeyBytes} bytes in base64.");
            }

            var material = new RedisKeyMaterial(configured);
            CryptographicOperations.ZeroMemory(configured);
            LogConfiguredKey(logger, material.Fingerprint);
            return material;
        }

        var key = KeyFile.LoadOrCreate(options.ProtectionKeyPath, RedisOptions.ProtectionKeyBytes, "Redis protection key", out var created);
        var fromFile = new RedisKeyMaterial(key);
        CryptographicOperations.ZeroMemory(key);
        if (created)
        {
            LogKeyCreated(logger, options.ProtectionKeyPath, fromFile.Fingerprint);
        }

        return fromFile;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created a Redis protection key at {Path} (fingerprint {Fingerprint}); every replica sharing this Redis must use the same key.")]
    private static partial void LogKeyCreated(ILogger logger, string path, string fingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis entries are protected with the configured key (Redis:ProtectionKey, fingerprint {Fingerprint}).")]
    private static partial void LogConfiguredKey(ILogger logger, string fingerprint);
}
