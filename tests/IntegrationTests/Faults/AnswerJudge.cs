using ELicense.V1;

namespace ELicense.IntegrationTests.Faults;

/// <summary>
/// What counts as a wrong answer for each kind of load call. The rule above speed: never VALID for a
/// replayed or revoked credential when the answer claims to know; never REPLAYED for a first scan; never
/// another licence's data; a stale answer always carries its age. A replay answered VALID is tolerated only
/// when its replay check says it could not be sure (LOCAL_ONLY or SHARED_INCOMPLETE) and, when the fault left
/// the claim store alone (<see cref="JudgeOptions.ClaimsIntact"/>), a replay that reached Redis (SHARED_INCOMPLETE)
/// answered VALID when the first scan wrote its claim SHARED is a real miss: the claim was there to be found.
/// LOCAL_ONLY stays honest there too: that call did not reach Redis (a timeout on a loaded machine).
/// </summary>
public static class AnswerJudge
{
    /// <summary>Why a verification answer is wrong for <paramref name="kind"/>, or null when it is right.</summary>
    /// <param name="kind"><see cref="LoadCallKind.Fresh"/>, <see cref="LoadCallKind.Replay"/> or <see cref="LoadCallKind.Revoked"/>.</param>
    /// <param name="licenseNumber">The licence the credential was issued for.</param>
    /// <param name="r">The answer.</param>
    /// <param name="options">The fault's reach, and for a replay the first scan's replay check.</param>
    public static string? Verification(LoadCallKind kind, string licenseNumber, VerifyCredentialResponse r, JudgeOptions? options = null)
    {
        options ??= JudgeOptions.Default;
        if (r.License is { } license && license.LicenseNumber != licenseNumber)
        {
            return $"answered with licence {license.LicenseNumber} for a credential of {licenseNumber}";
        }

        if (r.Verdict == Verdict.Valid && Freshness(r.Freshness) is { } freshness)
        {
            return freshness;
        }

        return (kind, r.Verdict) switch
        {
            (_, Verdict.StatusUnavailable) => null, // an honest "cannot tell" (the fault tests also require enough authoritative answers)
            (LoadCallKind.Fresh, Verdict.Valid) => null,
            (LoadCallKind.Fresh, Verdict.Replayed) => "a first scan answered REPLAYED",
            (LoadCallKind.Replay, Verdict.Replayed) => null,
            (LoadCallKind.Replay, Verdict.Valid) when r.ReplayCheck == ReplayCheck.Shared => "a replay answered VALID with an authoritative (SHARED) replay check",
            // Redis answered this call (SHARED_INCOMPLETE) and holds the first scan's claim: it had to be found. LOCAL_ONLY
            // is not this: Redis did not answer this call in time (a loaded machine), and the answer says so.
            (LoadCallKind.Replay, Verdict.Valid) when r.ReplayCheck == ReplayCheck.SharedIncomplete
                && options.ClaimsIntact && options.FirstScanCheck == ReplayCheck.Shared =>
                $"a replay answered VALID ({r.ReplayCheck}) though its first scan stored the claim SHARED and the claim store was not faulted",
            (LoadCallKind.Replay, Verdict.Valid) when r.ReplayCheck is ReplayCheck.LocalOnly or ReplayCheck.SharedIncomplete => null,
            (LoadCallKind.Revoked, Verdict.Valid) => "VALID for a revoked licence",
            (LoadCallKind.Revoked, Verdict.LicenseNotValid or Verdict.Replayed) => null,
            _ => $"{kind} answered {r.Verdict} (replay check {r.ReplayCheck}): {r.Message}",
        };
    }

    /// <summary>
    /// True for an answer that knows, of the kind expected: a replay REPLAYED, a revoked credential
    /// LICENSE_NOT_VALID or REPLAYED (the load scans the few revoked credentials again and again from the same
    /// handhelds, and the replay guard refuses before the status is read: a refusal that knows all the same), a
    /// fresh scan VALID, not stale, checked against Redis (SHARED, or SHARED_INCOMPLETE: after a replica is killed
    /// the survivors say for a while that they cannot vouch for its claims, which is about replays, not this scan;
    /// LOCAL_ONLY means Redis did not answer). What a fault test counts after the fault, so that a fleet answering
    /// "cannot tell" everywhere does not pass for one that is right.
    /// </summary>
    public static bool IsAuthoritative(LoadCallKind kind, VerifyCredentialResponse r) => kind switch
    {
        LoadCallKind.Replay => r.Verdict == Verdict.Replayed,
        LoadCallKind.Revoked => r.Verdict is Verdict.LicenseNotValid or Verdict.Replayed,
        LoadCallKind.Fresh => r.Verdict == Verdict.Valid && r.ReplayCheck is ReplayCheck.Shared or ReplayCheck.SharedIncomplete
            && r.Freshness is not { Stale: true },
        _ => false,
    };

    /// <summary>Why a lookup answer is wrong, or null: it must be the licence asked for, with the status it has.</summary>
    public static string? Lookup(string licenseNumber, LicenseStatus expected, GetLicenseResponse r)
    {
        if (r.License is null || r.License.LicenseNumber != licenseNumber)
        {
            return $"lookup of {licenseNumber} answered with {r.License?.LicenseNumber ?? "no licence"}";
        }

        if (r.License.Status != expected)
        {
            return $"lookup of {licenseNumber} shows {r.License.Status}, it is {expected}";
        }

        if (expected != LicenseStatus.Normal && r.ValidNow)
        {
            return $"lookup of a {expected} licence says valid now";
        }

        return Freshness(r.Freshness);
    }

    /// <summary>A verification answer that owns up to being degraded.</summary>
    public static bool IsDegraded(VerifyCredentialResponse r) =>
        r.Verdict == Verdict.StatusUnavailable || r.Freshness is { Stale: true } || r.ReplayCheck is ReplayCheck.LocalOnly or ReplayCheck.SharedIncomplete;

    private static string? Freshness(Freshness? f) =>
        f is { Stale: true } && (f.Age is null || f.Age.ToTimeSpan() <= TimeSpan.Zero) ? "a stale answer without its age" : null;
}

/// <summary>What the judge needs to know beyond the answer.</summary>
/// <param name="ClaimsIntact">The fault does not touch the claim store (Redis): a claim stored SHARED is still there.</param>
/// <param name="FirstScanCheck">For a replay: the replay check its first scan was answered with (UNSPECIFIED when not known).</param>
public sealed record JudgeOptions(bool ClaimsIntact = false, ReplayCheck FirstScanCheck = ReplayCheck.Unspecified)
{
    /// <summary>A fault that may lose claims; no first scan known.</summary>
    public static readonly JudgeOptions Default = new();
}
