using ELicense.V1;

namespace ELicense.Inspector.Offline;

/// <summary>
/// A check made offline, kept until it has been re-verified online. It holds the scanned text itself (the
/// only thing the server can re-verify) and therefore personal data: the queue file is owner-only.
/// </summary>
/// <param name="Id">A local id, to match the check in the shift history.</param>
/// <param name="Payload">The scanned QR text.</param>
/// <param name="DeviceId">The device that scanned it.</param>
/// <param name="CheckedAt">When it was checked offline.</param>
/// <param name="OfflineVerdict">What the handheld showed.</param>
/// <param name="TokenId">The credential's token id (hex), when the signature verified.</param>
/// <param name="LicenseNumber">The licence number from the signed snapshot, for the lookup when the credential has expired by sync time.</param>
/// <param name="ExpiresAt">When the credential expires.</param>
public sealed record QueuedCheck(
    string Id,
    string Payload,
    string DeviceId,
    DateTimeOffset CheckedAt,
    Verdict OfflineVerdict,
    string? TokenId,
    string? LicenseNumber,
    DateTimeOffset? ExpiresAt);
