using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>The answer about an inspection mark scanned on its own, online (VerifyInspectionMark) or offline.</summary>
public sealed class MarkResult
{
    /// <summary>The history sequence number.</summary>
    public required int Sequence { get; init; }

    /// <summary>True when checked on the handheld alone.</summary>
    public required bool Offline { get; init; }

    /// <summary>When it was checked.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The answer, in the server's shape.</summary>
    public required VehicleCheck Response { get; init; }

    /// <summary>The plate the mark names (signed), or the live record's.</summary>
    public Plate? Plate => Response.Vehicle?.Plate ?? Response.Mark?.Mark?.Plate;

    /// <summary>Green for a clean live VALID; amber for VALID offline or stale and for a status not read; red otherwise.</summary>
    public Tone Tone => RoadsideTones.Of(Response, Offline);
}

/// <summary>The roadside pair's one answer: licence, vehicle and the match (CheckRoadside, or computed on the handheld offline).</summary>
public sealed class RoadsideResult
{
    /// <summary>The history sequence number.</summary>
    public required int Sequence { get; init; }

    /// <summary>True when computed on the handheld alone.</summary>
    public required bool Offline { get; init; }

    /// <summary>When it was checked.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The answer, in the server's shape.</summary>
    public required CheckRoadsideResponse Response { get; init; }

    /// <summary>For an offline licence part: when this device already checked the same code offline.</summary>
    public DateTimeOffset? OfflineFirstSeen { get; init; }

    /// <summary>The licence part's queue id, while its offline check waits to be re-verified.</summary>
    public string? QueueId { get; init; }

    /// <summary>The licence part as the licence card's model (for the violations key and the history).</summary>
    public LicenceResult Licence => new()
    {
        Sequence = Sequence,
        Kind = CheckKind.Roadside,
        Offline = Offline,
        CheckedAt = CheckedAt,
        Response = Response.LicenseCheck ?? new VerifyCredentialResponse(),
        OfflineFirstSeen = OfflineFirstSeen,
        QueueId = QueueId,
    };

    /// <summary>The vehicle part's plate: the live record's, else the mark's.</summary>
    public Plate? Plate => Response.VehicleCheck?.Vehicle?.Plate ?? Response.VehicleCheck?.Mark?.Mark?.Plate;

    /// <summary>
    /// Green only for may-drive with every part clean and live; amber for may-drive with a caution (offline,
    /// stale, a replay check not authoritative) and for an answer where nothing failed but a part could not be
    /// read; red whenever any part definitely stops the driver.
    /// </summary>
    public Tone Tone
    {
        get
        {
            var licence = Licence.Tone;
            var vehicle = RoadsideTones.Of(Response.VehicleCheck ?? new VehicleCheck(), Offline);
            if (RoadsideVerdicts.MayDrive(Response))
            {
                return licence == Tone.Green && vehicle == Tone.Green ? Tone.Green : Tone.Amber;
            }

            var entitlement = Response.Entitlement?.Reason ?? EntitlementReason.NotDetermined;
            return licence != Tone.Red && vehicle != Tone.Red && entitlement is EntitlementReason.Entitled or EntitlementReason.NotDetermined
                ? Tone.Amber
                : Tone.Red;
        }
    }
}

/// <summary>The colour of a vehicle answer.</summary>
public static class RoadsideTones
{
    /// <summary>Green for a clean live VALID; amber for VALID offline or on stale data, and for a status not read; red otherwise.</summary>
    public static Tone Of(VehicleCheck check, bool offline) => check.Verdict switch
    {
        VehicleVerdict.Valid when offline || check.Freshness?.Stale == true => Tone.Amber,
        VehicleVerdict.Valid => Tone.Green,
        VehicleVerdict.StatusUnavailable => Tone.Amber,
        _ => Tone.Red,
    };
}
