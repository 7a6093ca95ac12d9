using System.Globalization;
using ELicense.Inspector.Rendering;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

// The inspection mark and the roadside pair in the shift's history.
public sealed partial class ShiftLog
{
    /// <summary>Shows a mark scanned on its own as the current card (the licence card goes) and logs it.</summary>
    public void ShowMark(MarkResult result)
    {
        var state = context.State;
        state.Current = null;
        state.Roadside = null;
        state.Detail = null;
        state.Pending = null;
        state.Mark = result;
        state.CurrentPlate = result.Plate;
        var check = result.Response;
        var reasons = RoadsideVerdicts.VehicleReasons(check, context.Text);
        state.History.Add(new HistoryEntry
        {
            Sequence = result.Sequence,
            At = result.CheckedAt,
            Kind = CheckKind.Mark,
            Subject = PlateText(result.Plate),
            Result = reasons.Count > 0
                ? context.Text.WithReason(RoadsideVerdicts.VehicleHeadline(check, context.Text), reasons[0])
                : RoadsideVerdicts.VehicleHeadline(check, context.Text),
            ResultCode = Codes.Of(check.Verdict),
            Reasons = string.Join(' ', check.NotValidReasons.Distinct().Select(r => Codes.Of(r))),
            Tone = result.Tone,
            Offline = result.Offline,
        });
    }

    /// <summary>
    /// Shows a roadside pair's answer (the licence card and the mark card give way to it) and logs it as one
    /// row naming both subjects; the row carries the licence code's token id and queue id, as a scan's does.
    /// </summary>
    public void ShowRoadside(RoadsideResult result)
    {
        var state = context.State;
        state.Roadside = result;
        state.Current = result.Licence;
        state.Mark = null;
        state.Detail = null;
        state.Pending = null;
        state.CurrentPlate = result.Plate;
        var licence = result.Licence;
        var reasons = RoadsideVerdicts.Reasons(result.Response, context.Text);
        var headline = RoadsideVerdicts.Headline(result.Response, context.Text);
        var subject = licence.LicenseNumber is { } number ? Masking.MaskIdentityNumber(number) : "—";
        state.History.Add(new HistoryEntry
        {
            Sequence = result.Sequence,
            At = result.CheckedAt,
            Kind = CheckKind.Roadside,
            Subject = $"{subject} {PlateText(result.Plate)}",
            Holder = licence.HolderName, HolderWithheld = licence.HolderWithheld,
            Result = reasons.Count > 0 ? context.Text.WithReason(headline, reasons[0]) : headline,
            ResultCode = RoadsideVerdicts.Code(result.Response),
            Reasons = RoadsideVerdicts.ReasonCodes(result),
            Tone = result.Tone,
            Offline = result.Offline,
            Sync = result.QueueId is null ? SyncState.None : SyncState.Pending,
            TokenId = licence.Response.Credential?.TokenId,
            QueueId = result.QueueId,
        });
    }

    private static string PlateText(Plate? plate) =>
        plate is null ? "—" : string.Create(CultureInfo.InvariantCulture, $"{plate.Number} {(int)plate.Type:D2}");
}
