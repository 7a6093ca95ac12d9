using System.Security.Cryptography;

namespace ELicense.Core.Credentials;

/// <summary>
/// An issuer public key known only by its published form (SubjectPublicKeyInfo, validity), as a
/// handheld caches it. Every thread gets its own ECDsa instance, imported once.
/// </summary>
public sealed class PublicIssuerKey : IVerificationKey, IDisposable
{
    private readonly ThreadLocal<ECDsa> _verifiers;

    private PublicIssuerKey(string keyIdHex, byte[] spki, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        KeyIdHex = keyIdHex;
        NotBefore = notBefore;
        NotAfter = notAfter;
        _verifiers = new ThreadLocal<ECDsa>(() => Import(spki), trackAllValues: true);
    }

    /// <inheritdoc />
    public string KeyIdHex { get; }

    /// <summary>Credentials verify with this key only from this moment (null: no lower bound).</summary>
    public DateTimeOffset? NotBefore { get; }

    /// <summary>Credentials verify with this key only until this moment (null: no upper bound).</summary>
    public DateTimeOffset? NotAfter { get; }

    /// <inheritdoc />
    public ECDsa Verifier => _verifiers.Value!;

    /// <inheritdoc />
    public bool IsValidAt(DateTimeOffset now, TimeSpan skew) =>
        (NotBefore is null || now + skew >= NotBefore) && (NotAfter is null || now - skew <= NotAfter);

    /// <summary>
    /// The key, or null when <paramref name="spki"/> is not an ECDSA P-256 public key: an unusable key
    /// verifies nothing, and credentials naming it come out UnknownKey.
    /// </summary>
    public static PublicIssuerKey? TryCreate(string keyIdHex, byte[] spki, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        var key = new PublicIssuerKey(keyIdHex.ToLowerInvariant(), spki, notBefore, notAfter);
        try
        {
            // Import once here to refuse a bad key up front; the instance becomes this thread's verifier.
            _ = key.Verifier;
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            return null;
        }
    }

    private static ECDsa Import(byte[] spki)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out _);
            var curve = key.ExportParameters(includePrivateParameters: false).Curve;
            if (!curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new CryptographicException("Issuer keys must be ECDSA P-256 (ES256).");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _verifiers.Values)
        {
            key.Dispose();
        }

        _verifiers.Dispose();
    }
}
