using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ELicense.Server.Registry;
using ELicense.V1;

namespace ELicense.Server.Caching;

/// <summary>
/// Cache keys (without the Redis prefix): one scheme for memory, Redis, the change tracker and
/// invalidation messages. A key is a kind prefix and the lowercase hex of the first 16 bytes of
/// HMAC-SHA256(hash key, kind letter + ":" + value), e.g. <c>lic:3f2a…</c>: anyone reading Redis
/// (MONITOR, a dump, the pub/sub channel) sees which kind of record was read, never whose.
/// </summary>
/// <remarks>
/// Keyed, because identity numbers have little entropy and a plain hash would be reversed by enumerating
/// them; 128 bits, so that collisions between distinct records are out of reach. On the hot path (every
/// lookup, memory hits included): one string allocated per call, the rest on the stack, and each thread
/// keeps its keyed HMAC, as <see cref="Auditing.AuditSubjects"/> does (a one-shot HMAC sets the key up
/// anew on every call, about half its cost).
/// </remarks>
public sealed class CacheKeys : IDisposable
{
    public const string LicensePrefix = "lic:";
    public const string VehiclePlatePrefix = "veh:p:";
    public const string VehicleVinPrefix = "veh:v:";

    private const int HashBytes = 16;
    private const int StackLimit = 256;

    private readonly byte[] _key;
    private readonly ThreadLocal<IncrementalHash> _hmacs;

    public CacheKeys(RedisKeyMaterial material)
    {
        _key = material.HashKey;
        _hmacs = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key), trackAllValues: true);
    }

    /// <summary>The key of a licence, by its number as validated.</summary>
    public string License(string licenseNumber) => Compute(LicensePrefix, 'L', licenseNumber);

    /// <summary>The key of a vehicle, by its plate (canonical text <see cref="RegistryKeys.Plate"/>).</summary>
    public string VehiclePlate(Plate plate) => Compute(VehiclePlatePrefix, 'P', RegistryKeys.Plate(plate));

    /// <summary>The key of a vehicle, by its VIN.</summary>
    public string VehicleVin(string vin) => Compute(VehicleVinPrefix, 'V', vin);

    /// <summary>The key a registry change invalidates (its <see cref="RegistryChange.Key"/> is in the same canonical form).</summary>
    public string For(RegistryChange change) => change.Kind switch
    {
        ChangeKind.License => Compute(LicensePrefix, 'L', change.Key),
        ChangeKind.VehiclePlate => Compute(VehiclePlatePrefix, 'P', change.Key),
        ChangeKind.VehicleVin => Compute(VehicleVinPrefix, 'V', change.Key),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown change kind."),
    };

    private string Compute(string prefix, char kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var maxBytes = 2 + Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var input = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            // The kind is hashed too, so a plate and a VIN with the same text never share a key.
            input[0] = (byte)kind;
            input[1] = (byte)':';
            var length = 2 + Encoding.UTF8.GetBytes(value, input[2..]);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var hmac = _hmacs.Value!;
            hmac.AppendData(input[..length]);
            hmac.GetHashAndReset(mac); // back to the keyed initial state for this thread's next call
            Span<char> key = stackalloc char[prefix.Length + (HashBytes * 2)];
            prefix.CopyTo(key);
            Convert.TryToHexStringLower(mac[..HashBytes], key[prefix.Length..], out _);
            return new string(key);
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
