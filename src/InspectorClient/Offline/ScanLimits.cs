using ELicense.Core.Credentials;

namespace ELicense.Inspector.Offline;

/// <summary>
/// How the console recognises a scanned licence code (its prefix) and the longest one it sends online:
/// the values the server published with its keys, so a server configured with another prefix or a longer
/// payload is followed and not refused before it is asked.
/// </summary>
/// <param name="Prefix">The licence credential prefix.</param>
/// <param name="MaxPayloadLength">The longest payload the console passes on.</param>
/// <param name="MarkPrefix">The inspection-mark prefix.</param>
/// <param name="MarkMaxPayloadLength">The longest mark payload the console passes on.</param>
public sealed record ScanLimits(
    string Prefix, int MaxPayloadLength, string MarkPrefix = CredentialPolicy.MarkPrefix, int MarkMaxPayloadLength = CredentialPolicy.MaxPayloadLengthBound)
{
    /// <summary>
    /// Used ONLY while no usable policy is cached (no keys yet, a cache written before servers published their
    /// policy, or a published policy out of bounds): Core's prefix, so the console can still tell a scan from a
    /// typed line, and the largest payload any server may publish, so a server configured above the default is
    /// asked rather than refused here (the server applies its own limit; offline nothing is checked without a policy).
    /// </summary>
    public static readonly ScanLimits Default = new(CredentialPolicy.LicensePrefix, CredentialPolicy.MaxPayloadLengthBound);

    /// <summary>The limits of the cached policies, each part Core's default where its policy is missing.</summary>
    public static ScanLimits Of(CredentialPolicy? policy, CredentialPolicy? markPolicy = null) => new(
        policy?.Prefix ?? Default.Prefix,
        policy?.MaxPayloadLength ?? Default.MaxPayloadLength,
        markPolicy?.Prefix ?? Default.MarkPrefix,
        markPolicy?.MaxPayloadLength ?? Default.MarkMaxPayloadLength);
}
