using ELicense.Inspector.Rendering;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The answer about a licence: a scanned credential checked online or offline, or a lookup by number.
/// All of them are held in the server's VerifyCredentialResponse shape (a lookup fills the same fields),
/// so that one card renders them all.
/// </summary>
public sealed class LicenceResult
{
    /// <summary>The history sequence number.</summary>
    public required int Sequence { get; init; }

    /// <summary>Scan or lookup.</summary>
    public required CheckKind Kind { get; init; }

    /// <summary>True when checked on the handheld alone.</summary>
    public required bool Offline { get; init; }

    /// <summary>When it was checked.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The answer.</summary>
    public required VerifyCredentialResponse Response { get; init; }

    /// <summary>The purpose of a lookup (roadside check for scans, which need none).</summary>
    public LookupPurpose Purpose { get; init; } = LookupPurpose.RoadsideCheck;

    /// <summary>For an offline check: when this device already checked the same code offline.</summary>
    public DateTimeOffset? OfflineFirstSeen { get; init; }

    /// <summary>Where the scan came from when it was not typed (an image file).</summary>
    public string? Source { get; init; }

    /// <summary>The queue id, while an offline check waits to be re-verified.</summary>
    public string? QueueId { get; init; }

    /// <summary>The licence number, from the live record or the signed snapshot; never shown unmasked.</summary>
    public string? LicenseNumber =>
        Response.License?.LicenseNumber is { Length: > 0 } live ? live
        : Response.Credential?.Snapshot?.LicenseNumber is { Length: > 0 } signed ? signed
        : null;

    /// <summary>The holder's name, live or signed.</summary>
    public string? HolderName =>
        Response.License?.HolderName is { Length: > 0 } live ? live
        : Response.Credential?.Snapshot?.HolderName is { Length: > 0 } signed ? signed
        : null;

    /// <summary>
    /// True when there is no holder name because the server withheld it for the caller's role (a transfer
    /// system's answer), not because the record has none.
    /// </summary>
    public bool HolderWithheld =>
        HolderName is null && Withholding.Of(Response) is var w && (w.IsWithheld(FieldPaths.HolderName) || w.IsWithheld(FieldPaths.SnapshotHolderName));

    /// <summary>True when the licence may be accepted (possibly with a warning).</summary>
    public bool Accepts => Response.Verdict == Verdict.Valid;

    /// <summary>
    /// Green only for a clean live VALID; amber for VALID with anything to be careful about (offline, a
    /// repeat scan, stale data, a replay check on one server only or against a record that may have lost
    /// scans) and for a status that could not be read;
    /// red for everything else.
    /// </summary>
    public Tone Tone => Response.Verdict switch
    {
        Verdict.Valid when Offline || Response.RepeatScan || OfflineFirstSeen is not null || Response.Freshness?.Stale == true
            || Response.ReplayCheck is ReplayCheck.LocalOnly or ReplayCheck.SharedIncomplete => Tone.Amber,
        Verdict.Valid => Tone.Green,
        Verdict.StatusUnavailable => Tone.Amber,
        _ => Tone.Red,
    };
}
