using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.V1;
using Microsoft.Extensions.Options;
using ELicense.Core.Credentials;

namespace ELicense.Server.Credentials;

/// <summary>A freshly signed credential.</summary>
public sealed record IssuedCredential(string QrPayload, string TokenIdHex, string KeyIdHex, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>Signs credentials: CWT claims in a COSE_Sign1 with ES256, Base45 behind the "EDL1:" prefix.</summary>
public sealed class CredentialIssuer(KeyRing keyRing, IOptions<CredentialOptions> options, TimeProvider time)
{
    public const string Prefix = "EDL1:";

    private readonly CredentialOptions _options = options.Value;

    /// <summary>Issues a credential for <paramref name="license"/> valid for <paramref name="lifetime"/> (default when null).</summary>
    public IssuedCredential Issue(License license, TimeSpan? lifetime = null)
    {
        var life = lifetime ?? _options.DefaultLifetime;
        if (life <= TimeSpan.Zero || life > _options.MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), life, $"Lifetime must be positive and at most {_options.MaxLifetime}.");
        }

        // CWT times are whole seconds; truncating keeps issued_time in the response equal to the claim.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var claims = new CredentialClaims(
            _options.Issuer,
            now,
            now + TimeSpan.FromSeconds(Math.Ceiling(life.TotalSeconds)),
            RandomNumberGenerator.GetBytes(CredentialClaims.TokenIdLength),
            new CredentialSnapshot
            {
                LicenseNumber = license.LicenseNumber,
                HolderName = license.HolderName,
                LicenseClass = license.LicenseClass,
                Status = license.Status,
                ValidFromDate = license.ValidFromDate,
                ValidUntilDate = license.ValidUntilDate,
            });

        var key = keyRing.SigningKey;
        var protectedHeaders = new CoseHeaderMap
        {
            { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(key.KeyId) },
        };
        var signer = new CoseSigner(key.Signer, HashAlgorithmName.SHA256, protectedHeaders);
        var cose = CoseSign1Message.SignEmbedded(claims.Encode(), signer);
        NormalizeSignature(cose);
        return new IssuedCredential(Prefix + Base45.Encode(cose), Convert.ToHexStringLower(claims.TokenId),
            key.KeyIdHex, claims.IssuedAt, claims.ExpiresAt);
    }

    /// <summary>
    /// Makes the signature low-S (see <see cref="EcdsaLowS"/>) in place. The signature is the last element
    /// of the COSE_Sign1 array, a 64-byte string (head 0x58 0x40), so it is the message's last 64 bytes;
    /// swapping s for n − s keeps every length, and the message stays in the canonical form verifiers demand.
    /// </summary>
    private static void NormalizeSignature(byte[] cose)
    {
        const int signatureLength = 2 * EcdsaLowS.ScalarLength;
        if (cose.Length < signatureLength + 2 || cose[^(signatureLength + 2)] != 0x58 || cose[^(signatureLength + 1)] != signatureLength)
        {
            throw new CryptographicException("The COSE library wrote a signature that is not a 64-byte ES256 signature at the end.");
        }

        EcdsaLowS.Normalize(cose.AsSpan(cose.Length - signatureLength));
    }
}
