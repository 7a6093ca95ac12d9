using System.Security.Cryptography;

namespace ELicense.Core.Credentials;

/// <summary>
/// Where the decoder finds the public key a credential names: the server's key ring, or the keys a
/// handheld cached from ListIssuerKeys. The decoder trusts a source for nothing but "kid → key".
/// </summary>
public interface IIssuerKeySource
{
    /// <summary>How an unknown key id is described, e.g. "a key of this issuer".</summary>
    string UnknownKeyHint { get; }

    /// <summary>Finds the key with the COSE kid bytes <paramref name="keyId"/>; false for an unknown id.</summary>
    bool TryGetKey(ReadOnlySpan<byte> keyId, out IVerificationKey key);
}

/// <summary>One issuer public key as the decoder uses it: its id, validity and an ES256 verifier.</summary>
public interface IVerificationKey
{
    /// <summary>The key id, lower-case hex.</summary>
    string KeyIdHex { get; }

    /// <summary>
    /// A P-256 public key for this thread. ECDsa instances are not documented as thread-safe, so an
    /// implementation used from several threads hands each its own.
    /// </summary>
    ECDsa Verifier { get; }

    /// <summary>True when credentials signed with this key are accepted at <paramref name="now"/>.</summary>
    bool IsValidAt(DateTimeOffset now, TimeSpan skew);
}
