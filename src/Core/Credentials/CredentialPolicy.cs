using ELicense.V1;

namespace ELicense.Core.Credentials;

/// <summary>
/// The limits a verifier applies to one document type. The server builds it from its configuration and
/// publishes it with its keys (ListIssuerKeys); the handheld uses what was published, never its own
/// constants, so a server configured differently is followed offline too.
/// </summary>
public sealed record CredentialPolicy(
    CredentialDocumentType DocumentType,
    string Prefix,
    int MaxPayloadLength,
    TimeSpan MaxLifetime,
    TimeSpan MaxClockSkew,
    string Issuer)
{
    /// <summary>The prefix of the driving-licence credential.</summary>
    public const string LicensePrefix = "EDL1:";

    /// <summary>The prefix of the electronic vehicle inspection mark.</summary>
    public const string MarkPrefix = "EVM1:";

    /// <summary>The default longest credential text.</summary>
    public const int DefaultMaxPayloadLength = 2048;

    /// <summary>The default longest credential lifetime (a dynamic QR code lives minutes).</summary>
    public static readonly TimeSpan DefaultMaxLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The default clock skew allowed between issuer, verifier and handheld.</summary>
    public static readonly TimeSpan DefaultMaxClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Bounds on the longest credential text (also the server's configuration bounds).</summary>
    public const int MinPayloadLengthBound = 64, MaxPayloadLengthBound = 8192;

    /// <summary>The largest clock skew any verifier may allow.</summary>
    public static readonly TimeSpan MaxClockSkewBound = TimeSpan.FromSeconds(30);

    /// <summary>The longest lifetime any licence policy may allow: the licence QR is short-lived by design.</summary>
    public static readonly TimeSpan MaxLifetimeBound = TimeSpan.FromHours(24);

    /// <summary>
    /// The default longest inspection-mark lifetime: a two-year inspection period plus the three months
    /// before its end in which the next inspection may already be passed (the new period follows on).
    /// </summary>
    public static readonly TimeSpan DefaultMarkMaxLifetime = TimeSpan.FromDays(731 + 92);

    /// <summary>The longest lifetime any inspection-mark policy may allow (no inspection period is longer).</summary>
    public static readonly TimeSpan MarkMaxLifetimeBound = TimeSpan.FromDays(3 * 365 + 1);

    /// <summary>The longest lifetime a policy of <paramref name="type"/> may allow (zero for an unknown type).</summary>
    public static TimeSpan LifetimeBoundFor(CredentialDocumentType type) => type switch
    {
        CredentialDocumentType.DrivingLicense => MaxLifetimeBound,
        CredentialDocumentType.InspectionMark => MarkMaxLifetimeBound,
        _ => TimeSpan.Zero,
    };

    /// <summary>
    /// What is wrong with this policy, or null when it is usable. A handheld checks what a server
    /// published with this before trusting it, so a nonsensical value is refused, not applied.
    /// </summary>
    public string? Problem() =>
        LifetimeBoundFor(DocumentType) == TimeSpan.Zero ? "names no document type this verifier knows"
        : string.IsNullOrEmpty(Prefix) || Prefix.Length > 16 ? "has no usable prefix"
        : MaxPayloadLength < MinPayloadLengthBound || MaxPayloadLength > MaxPayloadLengthBound
            ? $"has a maximum payload length outside {MinPayloadLengthBound}–{MaxPayloadLengthBound}"
        : MaxLifetime <= TimeSpan.Zero || MaxLifetime > LifetimeBoundFor(DocumentType)
            ? $"has a maximum lifetime that is not positive or over {LifetimeBoundFor(DocumentType).TotalHours:0} hours"
        : MaxClockSkew < TimeSpan.Zero || MaxClockSkew > MaxClockSkewBound ? "has a clock skew outside 0–30 seconds"
        : string.IsNullOrEmpty(Issuer) ? "names no issuer"
        : null;
}
