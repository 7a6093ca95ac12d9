using ELicense.Core.Credentials;

namespace ELicense.Inspector.Offline;

/// <summary>
/// The handheld's key source for Core's credential decoder: the ES256 P-256 keys of a key cache, by
/// their published (hex) id. Keys that are not ES256 P-256 public keys are left out, so credentials
/// naming them come out UnknownKey.
/// </summary>
public sealed class CachedKeySource : IIssuerKeySource, IDisposable
{
    private readonly Dictionary<string, PublicIssuerKey> _byId = new(StringComparer.Ordinal);

    /// <summary>Imports the usable keys of <paramref name="keys"/>.</summary>
    public CachedKeySource(CachedIssuerKeys keys)
    {
        foreach (var key in keys.Keys.Where(k => k.Algorithm == "ES256"))
        {
            if (PublicIssuerKey.TryCreate(key.KeyId, key.PublicKeySpki, key.NotBefore, key.NotAfter) is not { } usable)
            {
                continue;
            }

            // The same id twice (a file edited by hand): the later entry wins, as it always has.
            if (_byId.Remove(usable.KeyIdHex, out var earlier))
            {
                earlier.Dispose();
            }

            _byId.Add(usable.KeyIdHex, usable);
        }
    }

    /// <inheritdoc />
    public string UnknownKeyHint => "among the cached issuer keys";

    /// <inheritdoc />
    public bool TryGetKey(ReadOnlySpan<byte> keyId, out IVerificationKey key)
    {
        var found = _byId.TryGetValue(Convert.ToHexStringLower(keyId), out var cached);
        key = cached!;
        return found;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _byId.Values)
        {
            key.Dispose();
        }

        _byId.Clear();
    }
}
