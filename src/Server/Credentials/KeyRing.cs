using System.Buffers.Binary;
using System.Collections.Frozen;
using ELicense.Core.Credentials;

namespace ELicense.Server.Credentials;

/// <summary>
/// The issuer's keys: several that verify (so that keys can rotate without invalidating credentials in
/// flight) and one that signs. The server's key source for Core's credential decoder.
/// </summary>
public sealed class KeyRing : IIssuerKeySource, IDisposable
{
    private readonly FrozenDictionary<ulong, RingKey> _byId;

    public KeyRing(IReadOnlyList<RingKey> keys, RingKey signingKey)
    {
        if (!signingKey.CanSign)
        {
            throw new ArgumentException("The signing key needs a private key.", nameof(signingKey));
        }

        Keys = keys;
        SigningKey = signingKey;
        _byId = keys.ToFrozenDictionary(k => k.KeyIdValue);
        if (_byId.Count != keys.Count)
        {
            throw new ArgumentException("Two keys of the ring share a key id.", nameof(keys));
        }
    }

    public IReadOnlyList<RingKey> Keys { get; }

    public RingKey SigningKey { get; }

    /// <summary>Finds a key by the COSE kid bytes; false for an unknown or wrong-length id.</summary>
    public bool TryGet(ReadOnlySpan<byte> keyId, out RingKey key)
    {
        if (keyId.Length != RingKey.KeyIdLength)
        {
            key = null!;
            return false;
        }

        return _byId.TryGetValue(BinaryPrimitives.ReadUInt64BigEndian(keyId), out key!);
    }

    /// <inheritdoc />
    public string UnknownKeyHint => "a key of this issuer";

    /// <inheritdoc />
    public bool TryGetKey(ReadOnlySpan<byte> keyId, out IVerificationKey key)
    {
        var found = TryGet(keyId, out var ringKey);
        key = ringKey;
        return found;
    }

    public void Dispose()
    {
        foreach (var key in Keys)
        {
            key.Dispose();
        }
    }
}
