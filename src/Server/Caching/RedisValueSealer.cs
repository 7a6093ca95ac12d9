using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;

namespace ELicense.Server.Caching;

/// <summary>
/// Encrypts and authenticates cache entries for Redis with AES-256-GCM: <c>key id (1) | nonce (12) |
/// ciphertext | tag (16)</c>. The associated data is the key id and the full Redis key, so a value copied
/// to another key (another licence's) or altered in any byte fails to open. A value that fails is a
/// cache miss for the caller, never an error and never served.
/// </summary>
/// <remarks>
/// Nonces are random (96 bits, drawn in batches: <see cref="NonceSource"/>): unlike a counter they need no
/// coordination between replicas, but one key is good for about 2^32 values across all of them (keeping a
/// repeated nonce, which would expose plaintexts and allow forgeries, below 2^-32): years at the write
/// rates of a cache that writes only on misses, days at 10 000 writes/s, and keys are not rotated yet.
/// Authentic is not fresh: the reader also refuses copies older than any genuine entry lives
/// (<see cref="ChangeTracker.IsWithinRetention"/>). The key id lets a
/// later version open values under an older key while it rotates; today there is one key, id
/// <see cref="RedisKeyMaterial.CurrentKeyId"/>. Each thread keeps its own <see cref="AesGcm"/> (its
/// instances are not safe to share, and setting the key up per call would double the cost).
/// </remarks>
public sealed partial class RedisValueSealer : IDisposable
{
    public const int NonceBytes = 12;
    public const int TagBytes = 16;
    public const int Overhead = 1 + NonceBytes + TagBytes;

    private const int StackLimit = 256;

    private readonly byte[] _key;
    private readonly ThreadLocal<AesGcm> _aes;
    private readonly ThreadLocal<NonceSource> _nonces = new(() => new NonceSource());
    private readonly ILogger _logger;
    private long _failures;

    public RedisValueSealer(RedisKeyMaterial material, ILogger<RedisValueSealer> logger)
    {
        _key = material.ValueKey;
        _logger = logger;
        _aes = new ThreadLocal<AesGcm>(() => new AesGcm(_key, TagBytes), trackAllValues: true);
    }

    /// <summary>Values that failed to open since start (tampered, another key's, or not sealed at all).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The sealed bytes of <paramref name="entry"/> for <paramref name="redisKey"/>: one array, serialised and encrypted in place.</summary>
    public byte[] Seal(IMessage entry, string redisKey)
    {
        var size = entry.CalculateSize();
        var sealedValue = new byte[Overhead + size];
        sealedValue[0] = RedisKeyMaterial.CurrentKeyId;
        var nonce = sealedValue.AsSpan(1, NonceBytes);
        var body = sealedValue.AsSpan(1 + NonceBytes, size);
        var tag = sealedValue.AsSpan(1 + NonceBytes + size, TagBytes);
        _nonces.Value!.Next(nonce);
        entry.WriteTo(body);
        var aadLength = AssociatedDataLength(redisKey);
        var aad = aadLength <= StackLimit ? stackalloc byte[StackLimit] : new byte[aadLength];
        WriteAssociatedData(RedisKeyMaterial.CurrentKeyId, redisKey, aad);
        _aes.Value!.Encrypt(nonce, body, body, tag, aad[..aadLength]);
        return sealedValue;
    }

    /// <summary>
    /// Opens and parses a value read from <paramref name="redisKey"/>; false (and counted) when it is not a
    /// value this key sealed for this Redis key, or does not parse.
    /// </summary>
    public bool TryOpen<TEntry>(ReadOnlySpan<byte> sealedValue, string redisKey, MessageParser<TEntry> parser, [NotNullWhen(true)] out TEntry? entry)
        where TEntry : IMessage<TEntry>
    {
        entry = default;
        if (sealedValue.Length < Overhead || sealedValue[0] != RedisKeyMaterial.CurrentKeyId)
        {
            CountFailure();
            return false;
        }

        var size = sealedValue.Length - Overhead;
        var aadLength = AssociatedDataLength(redisKey);
        var aad = aadLength <= StackLimit ? stackalloc byte[StackLimit] : new byte[aadLength];
        WriteAssociatedData(sealedValue[0], redisKey, aad);
        var plain = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            _aes.Value!.Decrypt(sealedValue.Slice(1, NonceBytes), sealedValue.Slice(1 + NonceBytes, size),
                sealedValue.Slice(1 + NonceBytes + size, TagBytes), plain.AsSpan(0, size), aad[..aadLength]);
            entry = parser.ParseFrom(plain.AsSpan(0, size));
            return true;
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or InvalidProtocolBufferException)
        {
            // Altered, moved from another key, sealed under another key — or authentic but in a format this
            // version cannot read. A miss either way; the next write replaces it.
            CountFailure();
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, size));
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    private void CountFailure()
    {
        // Logged once: one altered or foreign value is worth a line, a Redis full of them is the same news.
        if (Interlocked.Increment(ref _failures) == 1)
        {
            LogUnopenedValue(_logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A value in Redis failed to open (altered, moved to another key, or sealed under another protection key); treated as a cache miss. Further failures are counted (elicense.cache.redis_unopened_values), not logged.")]
    private static partial void LogUnopenedValue(ILogger logger);

    private static int AssociatedDataLength(string redisKey) => 1 + Encoding.UTF8.GetByteCount(redisKey);

    // The key id, then the Redis key: binds the value to where it was written and to the key that sealed it.
    private static void WriteAssociatedData(byte keyId, string redisKey, Span<byte> destination)
    {
        destination[0] = keyId;
        Encoding.UTF8.GetBytes(redisKey, destination[1..]);
    }

    public void Dispose()
    {
        foreach (var aes in _aes.Values)
        {
            aes.Dispose();
        }

        _aes.Dispose();
        _nonces.Dispose();
    }
}
