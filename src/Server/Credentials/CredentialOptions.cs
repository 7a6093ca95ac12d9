using System.ComponentModel.DataAnnotations;
using ELicense.Core.Credentials;
using ELicense.V1;

namespace ELicense.Server.Credentials;

/// <summary>Configuration section "Credentials": issuer, lifetimes and the key ring.</summary>
public sealed class CredentialOptions : IValidatableObject
{
    public const string SectionName = "Credentials";

    /// <summary>The issuer claim written into, and required of, every credential.</summary>
    [Required]
    public string Issuer { get; set; } = "ELicense";

    /// <summary>Lifetime of a credential when the request names none. A dynamic QR code lives minutes.</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The longest lifetime a request may ask for, and the longest the verifier accepts.</summary>
    public TimeSpan MaxLifetime { get; set; } = CredentialPolicy.DefaultMaxLifetime;

    /// <summary>
    /// The longest inspection mark the verifier accepts (expiry minus issue time). A mark lives until its
    /// inspection expires, so this bounds how far ahead an inspection validity may be to get a mark.
    /// </summary>
    public TimeSpan MarkMaxLifetime { get; set; } = CredentialPolicy.DefaultMarkMaxLifetime;

    /// <summary>Clock difference tolerated between issuer, verifier and handheld. At most 30 s.</summary>
    public TimeSpan MaxClockSkew { get; set; } = CredentialPolicy.DefaultMaxClockSkew;

    /// <summary>The longest QR text accepted; anything longer is malformed without being decoded.</summary>
    [Range(CredentialPolicy.MinPayloadLengthBound, CredentialPolicy.MaxPayloadLengthBound)]
    public int MaxPayloadLength { get; set; } = CredentialPolicy.DefaultMaxPayloadLength;

    /// <summary>
    /// Production keys. When empty, a development key is generated on first start and persisted at
    /// <see cref="DevelopmentKeyPath"/>.
    /// </summary>
    public List<IssuerKeyOptions> Keys { get; set; } = [];

    /// <summary>The key id (hex) that signs new credentials; default: the newest key with a private key.</summary>
    public string? SigningKeyId { get; set; }

    /// <summary>Where the development key lives (PKCS#8 PEM).</summary>
    public string DevelopmentKeyPath { get; set; } = "data/issuer-dev-key.pem";

    /// <summary>The policy the verifier applies to licence credentials, and that ListIssuerKeys publishes.</summary>
    public CredentialPolicy LicensePolicy() => new(
        CredentialDocumentType.DrivingLicense, CredentialPolicy.LicensePrefix, MaxPayloadLength, MaxLifetime, MaxClockSkew, Issuer);

    /// <summary>The policy the verifier applies to inspection marks, and that ListIssuerKeys publishes.</summary>
    public CredentialPolicy MarkPolicy() => new(
        CredentialDocumentType.InspectionMark, CredentialPolicy.MarkPrefix, MaxPayloadLength, MarkMaxLifetime, MaxClockSkew, Issuer);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultLifetime <= TimeSpan.Zero || DefaultLifetime > MaxLifetime)
        {
            yield return new ValidationResult("DefaultLifetime must be positive and at most MaxLifetime.", [nameof(DefaultLifetime)]);
        }

        if (MaxLifetime > TimeSpan.FromHours(24))
        {
            yield return new ValidationResult("MaxLifetime must be at most 24 hours: credentials are short-lived by design.", [nameof(MaxLifetime)]);
        }

        if (MarkMaxLifetime < TimeSpan.FromDays(1) || MarkMaxLifetime > CredentialPolicy.MarkMaxLifetimeBound)
        {
            yield return new ValidationResult(
                $"MarkMaxLifetime must be between 1 day and {CredentialPolicy.MarkMaxLifetimeBound.TotalDays:0} days (no inspection period is longer).",
                [nameof(MarkMaxLifetime)]);
        }

        if (MaxClockSkew < TimeSpan.Zero || MaxClockSkew > TimeSpan.FromSeconds(30))
        {
            yield return new ValidationResult("MaxClockSkew must be between 0 and 30 seconds.", [nameof(MaxClockSkew)]);
        }

        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            if (string.IsNullOrWhiteSpace(key.PrivateKeyPath) == string.IsNullOrWhiteSpace(key.PublicKeyPath))
            {
                yield return new ValidationResult($"Keys:{i} needs exactly one of PrivateKeyPath (signing and verifying) or PublicKeyPath (verifying only).", [nameof(Keys)]);
            }
        }
    }
}

/// <summary>One key of the ring, as PEM files.</summary>
public sealed class IssuerKeyOptions
{
    /// <summary>A P-256 private key (PKCS#8 or SEC1 PEM): the key can sign and verify.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>A P-256 public key (SubjectPublicKeyInfo PEM): the key only verifies (e.g. a retired key).</summary>
    public string? PublicKeyPath { get; set; }

    /// <summary>Credentials verify with this key only from this moment (optional).</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Credentials verify with this key only until this moment (optional): set it to retire a key.</summary>
    public DateTimeOffset? NotAfter { get; set; }
}
