using ELicense.Core.Rules;
using ELicense.Inspector.Localization;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>What a mark or roadside answer says, in the console's words: headline, reasons, codes for CSV.</summary>
public static class RoadsideVerdicts
{
    /// <summary>
    /// Whether the answer lets the driver go: the server's may_drive only when its own parts bear it out (Core's rule
    /// over the licence verdict, the vehicle verdict and the match), so a self-contradicting answer never shows green.
    /// </summary>
    public static bool MayDrive(CheckRoadsideResponse response) =>
        response.MayDrive && RoadsideRules.MayDrive(response.LicenseCheck?.Verdict ?? Verdict.Unspecified,
            response.VehicleCheck?.Verdict ?? VehicleVerdict.Unspecified, response.Entitlement ?? RoadsideRules.NotDetermined("no match in the answer"));

    /// <summary>MAY DRIVE, NOT CONFIRMED (nothing failed but a part could not be read or established), or MAY NOT DRIVE.</summary>
    public static string Headline(CheckRoadsideResponse response, UiText text) =>
        MayDrive(response) ? text.MayDrive : Undetermined(response) ? text.Unconfirmed : text.MayNotDrive;

    /// <summary>
    /// Every part that stops the driver, licence first, then the vehicle, then (with <paramref name="withMatch"/>; the
    /// card has a row of its own for it) the match; empty for may-drive.
    /// </summary>
    public static IReadOnlyList<string> Reasons(CheckRoadsideResponse response, UiText text, bool withMatch = true)
    {
        if (MayDrive(response))
        {
            return [];
        }

        var reasons = new List<string>();
        if (response.LicenseCheck is { } licence)
        {
            reasons.AddRange(Verdicts.Reasons(licence, text).Select(r => $"{text.LicencePart}: {r}"));
        }

        if (response.VehicleCheck is { } vehicle)
        {
            reasons.AddRange(VehicleReasons(vehicle, text).Select(r => $"{text.VehiclePart}: {r}"));
        }

        if (withMatch && response.Entitlement is { Reason: not EntitlementReason.Entitled } entitlement)
        {
            reasons.Add($"{text.MatchPart}: {text.Describe(entitlement.Reason)}");
        }

        return reasons;
    }

    /// <summary>The match in words: the reason, and for a class that does not cover the vehicle what is needed against what is held.</summary>
    public static string MatchText(DriveEntitlement entitlement, UiText text)
    {
        var words = text.Describe(entitlement.Reason);
        if (entitlement.Reason == EntitlementReason.NotDetermined || entitlement.RequiredClasses.Count == 0)
        {
            return words;
        }

        var held = LicenseClasses.Entitled(entitlement.LicenseClass) is { Count: > 0 } all ? string.Join(' ', all) : entitlement.LicenseClass;
        var needed = string.Join(text.Language == Language.Chinese ? "或" : " or ", entitlement.RequiredClasses);
        return $"{words} — {text.Needs(needed, held.Length > 0 ? held : "—")}";
    }

    /// <summary>VEHICLE OK, NOT CONFIRMED (status unavailable), or VEHICLE NOT OK.</summary>
    public static string VehicleHeadline(VehicleCheck check, UiText text) => check.Verdict switch
    {
        VehicleVerdict.Valid => text.VehicleOk,
        VehicleVerdict.StatusUnavailable => text.Unconfirmed,
        _ => text.VehicleNotOk,
    };

    /// <summary>Why the vehicle's papers are not in order, in words; empty for VALID.</summary>
    public static IReadOnlyList<string> VehicleReasons(VehicleCheck check, UiText text) =>
        check.Verdict == VehicleVerdict.Valid ? []
        : check.Verdict == VehicleVerdict.NotValid && check.NotValidReasons.Count > 0 ? check.NotValidReasons.Distinct().Select(text.Describe).ToList()
        : [text.Describe(check.Verdict)];

    /// <summary>The answer's code for CSV: MAY_DRIVE, MAY_NOT_DRIVE or NOT_CONFIRMED.</summary>
    public static string Code(CheckRoadsideResponse response) =>
        MayDrive(response) ? "MAY_DRIVE" : Undetermined(response) ? "NOT_CONFIRMED" : "MAY_NOT_DRIVE";

    /// <summary>Each part's code for CSV: "LICENSE:VALID VEHICLE:NOT_VALID STOLEN ENTITLEMENT:ENTITLED", the licence's cautions after.</summary>
    public static string ReasonCodes(RoadsideResult result)
    {
        var response = result.Response;
        var codes = new List<string>
        {
            "LICENSE:" + Codes.Of(response.LicenseCheck?.Verdict ?? Verdict.Unspecified),
            "VEHICLE:" + Codes.Of(response.VehicleCheck?.Verdict ?? VehicleVerdict.Unspecified),
        };
        codes.AddRange(response.VehicleCheck?.NotValidReasons.Distinct().Select(r => Codes.Of(r)) ?? []);
        codes.Add("ENTITLEMENT:" + Codes.Of(response.Entitlement?.Reason ?? EntitlementReason.Unspecified));
        if (Verdicts.ReasonCodes(result.Licence) is { Length: > 0 } licence)
        {
            codes.Add(licence);
        }

        return string.Join(' ', codes);
    }

    // Nothing definitely stops the driver, but a part could not be read: not a pass, and not a refusal either.
    private static bool Undetermined(CheckRoadsideResponse response) =>
        response.LicenseCheck?.Verdict is Verdict.Valid or Verdict.StatusUnavailable
        && response.VehicleCheck?.Verdict is VehicleVerdict.Valid or VehicleVerdict.StatusUnavailable
        && response.Entitlement?.Reason is EntitlementReason.Entitled or EntitlementReason.NotDetermined or null;
}
