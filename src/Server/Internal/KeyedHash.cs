using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ELicense.Server.Internal;

/// <summary>
/// Names of identifiers that do not reveal them: a prefix and the lowercase hex of the first 16 bytes of
/// HMAC-SHA256(key, kind letter + ":" + value). Shared by the audit subjects and the cache keys, each
/// under its own key.
/// </summary>
/// <remarks>
/// Keyed, because identity numbers have little entropy and a plain hash would be reversed by enumerating
/// them; the kind is hashed too, so a plate and a VIN with the same text never share a name; 128 bits, so
/// that collisions between distinct records are out of reach. Runs on the hot path: one string allocated
/// per call, the rest on the stack, and each thread keeps its keyed HMAC (a one-shot HMAC sets the key up
/// anew on every call, about half its cost).
/// </remarks>
internal sealed class KeyedHash : IDisposable
{
    private const int HashBytes = 16;
    private const int StackLimit = 256;

    private readonly byte[] _key;
    private readonly ThreadLocal<IncrementalHash> _hmacs;

    public KeyedHash(ReadOnlySpan<byte> key)
    {
        _key = key.ToArray();
        _hmacs = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key), trackAllValues: true);
    }

    /// <summary><paramref name="prefix"/> followed by the 32 hex characters of the keyed hash of <paramref name="kind"/>:<paramref name="value"/>.</summary>
    public string Compute(string prefix, char kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var maxBytes = 2 + Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var input = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            input[0] = (byte)kind;
            input[1] = (byte)':';
            var length = 2 + Encoding.UTF8.GetBytes(value, input[2..]);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var hmac = _hmacs.Value!;
            hmac.AppendData(input[..length]);
            hmac.GetHashAndReset(mac); // back to the keyed initial state for this thread's next call
            Span<char> name = stackalloc char[prefix.Length + (HashBytes * 2)];
            prefix.CopyTo(name);
            Convert.TryToHexStringLower(mac[..HashBytes], name[prefix.Length..], out _);
            return new string(name);
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(rented.AsSpan(0, maxBytes));
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Dispose()
    {
        foreach (var hmac in _hmacs.Values)
        {
            hmac.Dispose();
        }

        _hmacs.Dispose();
    }
}
