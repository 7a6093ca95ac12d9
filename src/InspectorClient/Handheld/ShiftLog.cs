using ELicense.Inspector.Offline;
using ELicense.Inspector.Rendering;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The shift's history: every answer the console shows gets a sequence number and a row, which the
/// screen lists and the CSV export writes.
/// </summary>
public sealed partial class ShiftLog(HandheldContext context)
{
    private int _sequence;

    /// <summary>The next history sequence number.</summary>
    public int NextSequence() => ++_sequence;

    /// <summary>Lists a check queued in an earlier session: it is part of this shift's unfinished business.</summary>
    public void AddQueued(QueuedCheck queued)
    {
        var text = context.Text;
        context.State.History.Add(new HistoryEntry
        {
            Sequence = NextSequence(),
            At = queued.CheckedAt,
            Kind = CheckKind.Scan,
            Subject = Masking.MaskIdentityNumber(queued.LicenseNumber ?? "?"),
            Result = queued.OfflineVerdict == Verdict.Valid ? text.Valid : text.NotValid,
            ResultCode = Codes.Of(queued.OfflineVerdict),
            Tone = queued.OfflineVerdict == Verdict.Valid ? Tone.Amber : Tone.Red,
            Offline = true,
            Sync = SyncState.Pending,
            TokenId = queued.TokenId,
            QueueId = queued.Id,
        });
    }

    /// <summary>Shows a licence answer as the current card (clearing the follow-ups) and logs it.</summary>
    public void Show(LicenceResult result, string? subject = null)
    {
        var state = context.State;
        var text = context.Text;
        state.Current = result;
        state.Detail = null;
        state.CurrentPlate = null;
        state.Mark = null;
        state.Roadside = null;
        state.Pending = null;
        var response = result.Response;
        var reasons = Verdicts.Reasons(response, text);
        state.History.Add(new HistoryEntry
        {
            Sequence = result.Sequence,
            At = result.CheckedAt,
            Kind = result.Kind,
            Subject = subject ?? (result.LicenseNumber is { } number ? Masking.MaskIdentityNumber(number) : "—"),
            Holder = result.HolderName, HolderWithheld = result.HolderWithheld,
            Result = reasons.Count > 0 ? text.WithReason(Verdicts.Headline(response, text), reasons[0]) : Verdicts.Headline(response, text),
            ResultCode = Verdicts.Code(response),
            Reasons = Verdicts.ReasonCodes(result),
            Tone = result.Tone,
            Offline = result.Offline,
            Sync = result.QueueId is null ? SyncState.None : SyncState.Pending,
            TokenId = response.Credential?.TokenId,
            QueueId = result.QueueId,
        });
    }

    /// <summary>Logs a follow-up check (vehicle, transfer, violations), checked now.</summary>
    public void Add(CheckKind kind, string subject, string? holder, string result, string code, string reasons, Tone tone) =>
        context.State.History.Add(new HistoryEntry
        {
            Sequence = NextSequence(),
            At = context.Time.GetUtcNow(),
            Kind = kind,
            Subject = subject,
            Holder = holder,
            Result = result,
            ResultCode = code,
            Reasons = reasons,
            Tone = tone,
        });

    /// <summary>The first row of this shift about the code <paramref name="tokenId"/>, if any.</summary>
    public HistoryEntry? FirstWithToken(string tokenId) => context.State.History.FirstOrDefault(h => h.TokenId == tokenId);

    /// <summary>
    /// The rows of the queued check <paramref name="queueId"/>: its scan's, and an offline roadside pair's that
    /// answered on the same licence code, so a re-check that differs flags the decision row too.
    /// </summary>
    public IEnumerable<HistoryEntry> OfQueued(string queueId) => context.State.History.Where(h => h.QueueId == queueId);
}
