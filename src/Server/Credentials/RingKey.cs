using System.Buffers.Binary;
using System.Security.Cryptography;
using ELicense.Core.Credentials;

namespace ELicense.Server.Credentials;

/// <summary>
/// One P-256 key of the ring. ECDsa instances are not documented as thread-safe, so every thread gets
/// its own, imported once from the key bytes.
/// </summary>
public sealed class RingKey : IVerificationKey, IDisposable
{
    /// <summary>Key ids are the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo, as in the EU DCC.</summary>
    public const int KeyIdLength = 8;

    private readonly byte[]? _pkcs8;
    private readonly ThreadLocal<ECDsa> _verifiers;
    private readonly ThreadLocal<ECDsa>? _signers;

    private RingKey(byte[] spki, byte[]? pkcs8, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        SubjectPublicKeyInfo = spki;
        _pkcs8 = pkcs8;
        NotBefore = notBefore;
        NotAfter = notAfter;
        KeyId = SHA256.HashData(spki)[..KeyIdLength];
        KeyIdValue = BinaryPrimitives.ReadUInt64BigEndian(KeyId);
        KeyIdHex = Convert.ToHexStringLower(KeyId);
        _verifiers = new ThreadLocal<ECDsa>(() => Import(spki, isPrivate: false), trackAllValues: true);
        if (pkcs8 is not null)
        {
            _signers = new ThreadLocal<ECDsa>(() => Import(pkcs8, isPrivate: true), trackAllValues: true);
        }
    }

    public byte[] KeyId { get; }

    /// <summary>The key id as a number, for allocation-free lookups.</summary>
    public ulong KeyIdValue { get; }

    public string KeyIdHex { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    public DateTimeOffset? NotBefore { get; }

    public DateTimeOffset? NotAfter { get; }

    public bool CanSign => _pkcs8 is not null;

    /// <summary>This thread's instance for verifying.</summary>
    public ECDsa Verifier => _verifiers.Value!;

    /// <summary>This thread's instance for signing.</summary>
    public ECDsa Signer => _signers?.Value ?? throw new InvalidOperationException($"Key {KeyIdHex} has no private key.");

    /// <summary>True when credentials signed with this key are accepted at <paramref name="now"/>.</summary>
    public bool IsValidAt(DateTimeOffset now, TimeSpan skew) =>
        (NotBefore is null || now + skew >= NotBefore) && (NotAfter is null || now - skew <= NotAfter);

    public static RingKey FromPrivateKey(ECDsa key, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        EnsureP256(key);
        return new RingKey(key.ExportSubjectPublicKeyInfo(), key.ExportPkcs8PrivateKey(), notBefore, notAfter);
    }

    public static RingKey FromPublicKey(ECDsa key, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        EnsureP256(key);
        return new RingKey(key.ExportSubjectPublicKeyInfo(), null, notBefore, notAfter);
    }

    private static void EnsureP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (!curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new CryptographicException("Issuer keys must be ECDSA P-256 (ES256).");
        }
    }

    private static ECDsa Import(byte[] bytes, bool isPrivate)
    {
        var key = ECDsa.Create();
        if (isPrivate)
        {
            key.ImportPkcs8PrivateKey(bytes, out _);
        }
        else
        {
            key.ImportSubjectPublicKeyInfo(bytes, out _);
        }

        return key;
    }

    public void Dispose()
    {
        foreach (var key in _verifiers.Values)
        {
            key.Dispose();
        }

        _verifiers.Dispose();
        if (_signers is not null)
        {
            foreach (var key in _signers.Values)
            {
                key.Dispose();
            }

            _signers.Dispose();
        }
    }
}
