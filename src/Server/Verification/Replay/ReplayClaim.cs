using System.Globalization;

namespace ELicense.Server.Verification.Replay;

/// <summary>How a scan relates to earlier scans of the same credential.</summary>
public enum ReplayOutcome
{
    /// <summary>Nobody scanned it before.</summary>
    FirstScan,
    /// <summary>The same device scanned it before (officers do scan twice).</summary>
    RepeatScan,
    /// <summary>Another device scanned it before.</summary>
    Replayed,
    /// <summary>
    /// Not known here as another device's, but this replica has been cut off from the shared store for
    /// longer than it may answer alone (<see cref="ReplayOptions.MaxTimeAlone"/>): one-time use cannot be vouched for.
    /// </summary>
    Unverifiable,
}

/// <summary>How far the replay decision can be trusted (maps onto the contract's ReplayCheck).</summary>
public enum ReplayAuthority
{
    /// <summary>Checked against the shared store, which has lost nothing in the last window.</summary>
    Shared,
    /// <summary>Checked against the shared store, which may have lost claims: a reuse may go uncaught.</summary>
    SharedIncomplete,
    /// <summary>The shared store was unreachable: this replica's memory only.</summary>
    LocalOnly,
}

/// <summary>The replay decision, when the first scan happened, and how authoritative it is.</summary>
public readonly record struct ReplayDecision(ReplayOutcome Outcome, DateTimeOffset FirstScanAt, ReplayAuthority Authority);

/// <summary>
/// Who presented a credential first, and when. A class on purpose: a scan is the first scan exactly when
/// the claim that wins is the very object this scan made (two scans in one millisecond are still two).
/// </summary>
public sealed record ReplayClaim(long FirstScanMs, string DeviceId)
{
    /// <summary>The Redis value: "unixMs|deviceId".</summary>
    public string Format() => FirstScanMs.ToString(CultureInfo.InvariantCulture) + "|" + DeviceId;

    /// <summary>Reads a Redis value; null when it is not one this service wrote.</summary>
    public static ReplayClaim? Parse(string value)
    {
        var separator = value.IndexOf('|', StringComparison.Ordinal);
        return separator > 0 && long.TryParse(value.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? new ReplayClaim(ms, value[(separator + 1)..])
            : null;
    }
}
