using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>What a licence answer says, in the console's words: headline, reasons, warnings.</summary>
public static class Verdicts
{
    /// <summary>VALID, NOT VALID, or NOT CONFIRMED (status unavailable).</summary>
    public static string Headline(VerifyCredentialResponse response, UiText text) => response.Verdict switch
    {
        Verdict.Valid => text.Valid,
        Verdict.StatusUnavailable => text.Unconfirmed,
        _ => text.NotValid,
    };

    /// <summary>Every reason the answer is not a pass, in words; empty for VALID.</summary>
    public static IReadOnlyList<string> Reasons(VerifyCredentialResponse response, UiText text)
    {
        if (response.Verdict == Verdict.Valid)
        {
            return [];
        }

        if (response.Verdict != Verdict.LicenseNotValid)
        {
            return [text.Describe(response.Verdict)];
        }

        var status = response.License?.Status ?? response.Credential?.Snapshot?.Status ?? LicenseStatus.Unspecified;
        return response.NotValidReasons.Count > 0
            ? response.NotValidReasons.Distinct().Select(r => text.Describe(r, status)).ToList()
            : [text.Describe(response.Verdict)];
    }

    /// <summary>The amber cautions: repeat scans, stale data, a replay check on one server only or not authoritative, offline limits.</summary>
    public static IReadOnlyList<string> Warnings(LicenceResult result, UiText text, TimeProvider time)
    {
        var response = result.Response;
        var warnings = new List<string>();
        if (response.RepeatScan)
        {
            warnings.Add(text.RepeatScan(Formats.LocalDateTime(response.FirstScanTime, time)));
        }

        if (result.OfflineFirstSeen is { } seen)
        {
            warnings.Add(text.OfflineRepeat(LocalTime(seen, time)));
        }

        if (response.Verdict == Verdict.Replayed && response.FirstScanTime is not null)
        {
            warnings.Add(text.FirstScannedAt(Formats.LocalDateTime(response.FirstScanTime, time)));
        }

        if (response.Freshness is { Stale: true } freshness)
        {
            warnings.Add(text.StaleData(Formats.Age(freshness.Age?.ToTimeSpan() ?? TimeSpan.Zero)));
        }

        if (response.ReplayCheck == ReplayCheck.LocalOnly)
        {
            warnings.Add(text.LocalReplayOnly);
        }
        else if (response.ReplayCheck == ReplayCheck.SharedIncomplete)
        {
            warnings.Add(text.IncompleteReplayCheck);
        }

        if (result.Offline && response.Credential is not null)
        {
            warnings.Add(text.OfflineReplayUnchecked);
        }

        return warnings;
    }

    /// <summary>The verdict's code for CSV: VALID, LICENSE_NOT_VALID, SIGNATURE_INVALID…</summary>
    public static string Code(VerifyCredentialResponse response) => Codes.Of(response.Verdict);

    /// <summary>The not-valid reasons' and the cautions' codes for CSV, separated by spaces.</summary>
    public static string ReasonCodes(LicenceResult result)
    {
        var response = result.Response;
        var codes = response.NotValidReasons.Distinct().Select(r => Codes.Of(r)).ToList();
        if (response.RepeatScan || result.OfflineFirstSeen is not null)
        {
            codes.Add("REPEAT_SCAN");
        }

        if (response.Freshness?.Stale == true)
        {
            codes.Add("STALE");
        }

        if (response.ReplayCheck is ReplayCheck.LocalOnly or ReplayCheck.SharedIncomplete)
        {
            codes.Add("REPLAY_CHECK_" + Codes.Of(response.ReplayCheck));
        }

        return string.Join(' ', codes);
    }

    /// <summary>An instant as local HH:mm:ss in the clock's zone.</summary>
    public static string LocalTime(DateTimeOffset at, TimeProvider time) =>
        TimeZoneInfo.ConvertTime(at, time.LocalTimeZone).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
