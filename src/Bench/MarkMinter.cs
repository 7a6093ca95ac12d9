using System.Security.Cryptography;
using ELicense.Core.Credentials;
using ELicense.V1;
using ELicense.Client.Cli;

namespace ELicense.Bench;

/// <summary>
/// Mints roadside's inspection marks locally, with the issuer's private key (--mark-key, a PKCS#8 PEM such as
/// the server's development key) and Core's <see cref="InspectionMarks"/>, so the marks are the ones the
/// server's IssueInspectionMark would sign. Marks live for the whole inspection period, so minting a pool of
/// them before the run and sending each many times is what a road sees; minting is not what is measured.
/// </summary>
public sealed class MarkMinter : IDisposable
{
    /// <summary>Key ids are the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo (the server's rule).</summary>
    private const int KeyIdLength = 8;

    /// <summary>A mark this close to its expiry is not minted: it could expire during the run.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromHours(1);

    private readonly ECDsa _key;
    private readonly byte[] _keyId;
    private readonly string _issuer;

    /// <summary>Signs with <paramref name="key"/> (a P-256 private key) as <paramref name="issuer"/>; the minter owns the key.</summary>
    public MarkMinter(ECDsa key, string issuer)
    {
        _key = key;
        _issuer = issuer;
        _keyId = SHA256.HashData(key.ExportSubjectPublicKeyInfo())[..KeyIdLength];
    }

    /// <summary>The signing key's id, lower-case hex (as ListIssuerKeys publishes it).</summary>
    public string KeyIdHex => Convert.ToHexStringLower(_keyId);

    /// <summary>Reads the key from a PEM file; an unreadable file or key is a usage error naming the option.</summary>
    public static MarkMinter Load(string path, string issuer)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            var curve = key.ExportParameters(includePrivateParameters: false).Curve;
            if (!curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new UsageException($"--mark-key \"{path}\" is not an ECDSA P-256 key (ES256)");
            }

            return new MarkMinter(key, issuer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new UsageException($"cannot read --mark-key \"{path}\" (a PKCS#8 PEM private key, e.g. the server's Credentials:DevelopmentKeyPath): {ex.Message}", ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The mark's QR text for <paramref name="vehicle"/> at <paramref name="now"/>, or null when the server would
    /// issue none (no inspection validity, or a period over or ending within <see cref="ExpiryMargin"/>).
    /// </summary>
    public string? TryMint(Vehicle vehicle, DateTimeOffset now)
    {
        var claims = InspectionMarks.ClaimsFor(vehicle, _issuer, now);
        if (claims is null || claims.ExpiresAt <= now + ExpiryMargin)
        {
            return null;
        }

        return CredentialEncoder.Sign(claims.Encode(), _key, _keyId, CredentialPolicy.MarkPrefix);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
