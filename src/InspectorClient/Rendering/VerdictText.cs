using ELicense.V1;

namespace ELicense.Inspector.Rendering;

/// <summary>English words for the contract's enums, as an officer reads them.</summary>
public static class VerdictText
{
    /// <summary>Why a verdict is what it is, in words.</summary>
    public static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Valid => "valid",
        Verdict.LicenseNotValid => "licence not valid",
        Verdict.LicenseNotFound => "licence not found in the registry",
        Verdict.SignatureInvalid => "signature invalid (forged or altered credential)",
        Verdict.UnknownKey => "signed with an unknown or retired key",
        Verdict.CredentialExpired => "credential expired (ask the holder to refresh the QR code)",
        Verdict.Replayed => "replayed — already scanned by another device",
        Verdict.Malformed => "not an electronic licence QR code",
        Verdict.CredentialNotYetValid => "credential issued in the future (check the device clock)",
        Verdict.StatusUnavailable => "licence status unavailable (check again or use the card)",
        _ => "unknown verdict",
    };

    /// <summary>A licence status in words, with its one-letter code.</summary>
    public static string Describe(LicenseStatus status) => status switch
    {
        LicenseStatus.Normal => "normal (A)",
        LicenseStatus.PointsExceeded => "points exceeded (B)",
        LicenseStatus.Suspended => "suspended (D)",
        LicenseStatus.Revoked => "revoked (F)",
        LicenseStatus.Cancelled => "cancelled (G)",
        LicenseStatus.RenewalOverdue => "renewal overdue (M)",
        LicenseStatus.ReviewOverdue => "review overdue (S)",
        _ => "unknown status",
    };

    /// <summary>A not-valid reason in words; <paramref name="status"/> names the status for STATUS.</summary>
    public static string Describe(NotValidReason reason, LicenseStatus status = LicenseStatus.Unspecified) => reason switch
    {
        NotValidReason.Status => status is LicenseStatus.Unspecified or LicenseStatus.Normal
            ? "licence status is not normal"
            : $"licence {Describe(status)}",
        NotValidReason.NotYetValid => "validity period has not started",
        NotValidReason.ValidityExpired => "validity period has ended",
        NotValidReason.PointsExceeded => "12 or more points in the current cycle",
        _ => "unspecified reason",
    };

    /// <summary>A transfer block reason in words.</summary>
    public static string Describe(TransferBlockReason reason) => reason switch
    {
        TransferBlockReason.UnprocessedViolations => "unprocessed violations on the plate",
        TransferBlockReason.UnprocessedAccident => "unprocessed accident",
        TransferBlockReason.Mortgaged => "registered mortgage",
        TransferBlockReason.Seized => "seized",
        TransferBlockReason.InspectionExpired => "inspection mark expired",
        TransferBlockReason.InsuranceExpired => "compulsory insurance expired",
        TransferBlockReason.Stolen => "reported stolen",
        TransferBlockReason.Cancelled => "registration cancelled",
        TransferBlockReason.TransferredOut => "already transferred out",
        TransferBlockReason.DataStale => "registry unreachable, only stale data (never granted on stale data)",
        TransferBlockReason.MarkNotGenuine => "the presented inspection mark is not genuine or not this vehicle's",
        _ => "unspecified reason",
    };

    /// <summary>The machine-readable code of a transfer block reason, as in the contract.</summary>
    public static string Code(TransferBlockReason reason) => reason switch
    {
        TransferBlockReason.UnprocessedViolations => "UNPROCESSED_VIOLATIONS",
        TransferBlockReason.UnprocessedAccident => "UNPROCESSED_ACCIDENT",
        TransferBlockReason.Mortgaged => "MORTGAGED",
        TransferBlockReason.Seized => "SEIZED",
        TransferBlockReason.InspectionExpired => "INSPECTION_EXPIRED",
        TransferBlockReason.InsuranceExpired => "INSURANCE_EXPIRED",
        TransferBlockReason.Stolen => "STOLEN",
        TransferBlockReason.Cancelled => "CANCELLED",
        TransferBlockReason.TransferredOut => "TRANSFERRED_OUT",
        TransferBlockReason.DataStale => "DATA_STALE",
        TransferBlockReason.MarkNotGenuine => "MARK_NOT_GENUINE",
        _ => "UNSPECIFIED",
    };

    /// <summary>A vehicle status in words.</summary>
    public static string Describe(VehicleStatus status) => status switch
    {
        VehicleStatus.Normal => "normal",
        VehicleStatus.TransferredOut => "transferred out",
        VehicleStatus.Stolen => "reported stolen",
        VehicleStatus.Cancelled => "registration cancelled",
        VehicleStatus.Seized => "seized",
        VehicleStatus.Mortgaged => "mortgaged",
        VehicleStatus.UnprocessedAccident => "unprocessed accident",
        _ => "unspecified",
    };

    /// <summary>A violation state in words.</summary>
    public static string Describe(ViolationState state) => state switch
    {
        ViolationState.Unprocessed => "unprocessed",
        ViolationState.Processed => "processed",
        ViolationState.Paid => "paid",
        _ => "unspecified",
    };

    /// <summary>A violation source in words.</summary>
    public static string Describe(ViolationSource source) => source switch
    {
        ViolationSource.Camera => "camera",
        ViolationSource.OnSite => "on site",
        _ => "unspecified",
    };

    /// <summary>A data source in words.</summary>
    public static string Describe(DataSource source) => source switch
    {
        DataSource.Memory => "memory",
        DataSource.Redis => "redis",
        DataSource.Registry => "registry",
        _ => "unknown",
    };

    /// <summary>How changes reach the answering server, in words.</summary>
    public static string Describe(InvalidationPath path) => path switch
    {
        InvalidationPath.Live => "live invalidation",
        InvalidationPath.FeedOnly => "invalidation DOWN, change feed only",
        InvalidationPath.None => "NO invalidation arriving",
        _ => "unspecified",
    };

    /// <summary>
    /// Every reason a verification answer is not a pass, in words. Empty for VALID. For
    /// LICENSE_NOT_VALID it lists the not-valid reasons (or the licence status when none are given).
    /// </summary>
    public static IReadOnlyList<string> NotValidReasons(VerifyCredentialResponse response)
    {
        if (response.Verdict == Verdict.Valid)
        {
            return [];
        }

        var status = response.License?.Status ?? LicenseStatus.Unspecified;
        if (response.Verdict != Verdict.LicenseNotValid)
        {
            return [Describe(response.Verdict)];
        }

        if (response.NotValidReasons.Count > 0)
        {
            return response.NotValidReasons.Distinct().Select(r => Describe(r, status)).ToList();
        }

        return status is LicenseStatus.Unspecified or LicenseStatus.Normal
            ? [Describe(response.Verdict)]
            : [$"licence {Describe(status)}"];
    }
}
