using System.Security.Cryptography;
using ELicense.V1;
using Microsoft.Extensions.Options;
using ELicense.Core.Credentials;

namespace ELicense.Server.Credentials;

/// <summary>A freshly signed credential.</summary>
public sealed record IssuedCredential(string QrPayload, string TokenIdHex, string KeyIdHex, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>Signs credentials: CWT claims in a COSE_Sign1 with ES256, Base45 behind the "EDL1:" prefix.</summary>
public sealed class CredentialIssuer(KeyRing keyRing, IOptions<CredentialOptions> options, TimeProvider time)
{
    public const string Prefix = CredentialPolicy.LicensePrefix;

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
        return new IssuedCredential(CredentialEncoder.Sign(claims.Encode(), key.Signer, key.KeyId, Prefix), Convert.ToHexStringLower(claims.TokenId),
            key.KeyIdHex, claims.IssuedAt, claims.ExpiresAt);
    }
}
