using ELicense.V1;

namespace ELicense.Inspector.Offline;

/// <summary>How a queued offline check compares with the live answer.</summary>
public enum SyncOutcome
{
    /// <summary>The live answer agrees: both accept, or both refuse.</summary>
    Confirmed,

    /// <summary>The live answer would have changed the officer's decision: follow up.</summary>
    Differs,

    /// <summary>No live answer yet (status unavailable, or nothing to look up): stays queued.</summary>
    Unresolved,
}

/// <summary>The live answer to a queued check and what it means for the decision made offline.</summary>
/// <param name="Check">The queued check.</param>
/// <param name="Outcome">Confirmed, differs, or unresolved.</param>
/// <param name="LiveAccept">Whether the live answer accepts the licence, when there is one.</param>
/// <param name="Live">The live VerifyCredential answer.</param>
/// <param name="Lookup">The live licence lookup, made when the credential had expired by sync time.</param>
public sealed record SyncResult(QueuedCheck Check, SyncOutcome Outcome, bool? LiveAccept, VerifyCredentialResponse? Live, GetLicenseResponse? Lookup)
{
    /// <summary>The live licence record, from whichever answer carried it.</summary>
    public License? LiveLicense => Live?.License ?? Lookup?.License;

    /// <summary>The live reasons the licence is not valid.</summary>
    public IReadOnlyList<NotValidReason> LiveReasons =>
        Live?.Verdict == Verdict.LicenseNotValid ? Live.NotValidReasons : Lookup?.NotValidReasons ?? (IReadOnlyList<NotValidReason>)[];
}

/// <summary>
/// What "differs" means. The officer acted on accept or refuse, so that is what is compared: an offline
/// VALID that is refused live (revoked, suspended, points exceeded, unknown licence, or the code was
/// used on another device first) differs, and so does an offline refusal that is valid live (for
/// instance a key the handheld's cache did not have yet). The same decision for different reasons is
/// confirmed. A credential has a lifetime of minutes, so by sync time it has usually expired: then the
/// licence's live status (GetLicense) answers instead of the verdict on the code.
/// </summary>
public static class SyncRules
{
    /// <summary>Whether a live verify answer settles the check or the licence must be looked up by number.</summary>
    public static bool NeedsLookup(VerifyCredentialResponse live) =>
        live.Verdict is Verdict.CredentialExpired or Verdict.CredentialNotYetValid;

    /// <summary>Compares a queued check with the live verify answer and, when it was needed, the lookup.</summary>
    public static SyncResult Compare(QueuedCheck check, VerifyCredentialResponse live, GetLicenseResponse? lookup, bool licenceNotFound = false)
    {
        bool? liveAccept = live.Verdict switch
        {
            Verdict.Valid => true,
            Verdict.StatusUnavailable => null,
            Verdict.CredentialExpired or Verdict.CredentialNotYetValid => licenceNotFound ? false : lookup?.ValidNow,
            _ => false,
        };
        if (liveAccept is null)
        {
            return new SyncResult(check, SyncOutcome.Unresolved, null, live, lookup);
        }

        var offlineAccept = check.OfflineVerdict == Verdict.Valid;
        return new SyncResult(check, offlineAccept == liveAccept ? SyncOutcome.Confirmed : SyncOutcome.Differs, liveAccept, live, lookup);
    }
}
