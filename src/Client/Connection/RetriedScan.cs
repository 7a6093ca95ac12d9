using ELicense.V1;

namespace ELicense.Client.Connection;

/// <summary>
/// A verification sent again after its first attempt was lost (a replica died after claiming the scan in the
/// shared replay store, before its answer arrived) comes back as a repeat scan by this same device: the
/// retry met this scan's own claim. The verdict is right (never REPLAYED: same request, same device id);
/// only the "already checked" flag is not, and it is taken off here when the first scan it names happened
/// while this call was being retried. The only other case that fits is this device scanning the same code
/// within those same seconds, which is equally harmless.
/// </summary>
public static class RetriedScan
{
    /// <summary>Allowance for the two servers' clocks (claim time on one, verdict time on the other).</summary>
    public static readonly TimeSpan ClockAllowance = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The answer to show for a verification that took several attempts, from <paramref name="started"/>
    /// (before the first attempt) to <paramref name="finished"/> (client clock).
    /// </summary>
    public static VerifyCredentialResponse Reconcile(VerifyCredentialResponse response, DateTimeOffset started, DateTimeOffset finished)
    {
        if (!response.RepeatScan || response.FirstScanTime is null || response.VerifyTime is null)
        {
            return response;
        }

        // How long before the verdict the first scan was claimed, against how long this call has been trying.
        var claimedBefore = response.VerifyTime.ToDateTimeOffset() - response.FirstScanTime.ToDateTimeOffset();
        if (claimedBefore > finished - started + ClockAllowance)
        {
            return response;
        }

        // What the lost first answer said: a first scan carries no first-scan time.
        var first = response.Clone();
        first.RepeatScan = false;
        first.FirstScanTime = null;
        return first;
    }
}
