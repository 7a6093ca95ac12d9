using ELicense.Core.Rules;
using ELicense.Inspector.Offline;
using ELicense.Inspector.Rendering;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The roadside pair: the licence and the vehicle in either order, one answer. A mark scanned first is checked
/// on its own (VerifyInspectionMark) and waits for the licence; a licence scanned first (see <see cref="ScanFlow"/>)
/// waits for the mark or a typed plate. The second half sends both in one CheckRoadside call; when the server
/// cannot be reached, the handheld checks both signatures and validities itself and computes the match from the
/// signed data (Core's rules), labelled offline.
/// </summary>
public sealed class RoadsideFlow(HandheldContext context, Connectivity link, OfflineKeys keys, ShiftLog log, LiveRefusals refusals, ScanFlow scans)
{
    /// <summary>A scanned mark: completes the pair when a licence waits, else is checked on its own and waits for the licence.</summary>
    public async Task MarkAsync(string payload, CancellationToken cancellationToken)
    {
        if (payload.Length > keys.Limits.MarkMaxPayloadLength)
        {
            context.Say(context.Text.Describe(VehicleVerdict.Malformed), Tone.Red);
            return;
        }

        if (Waiting() is PendingPart.Licence licence)
        {
            await PairAsync(licence.Payload, new CheckRoadsideRequest { MarkQrPayload = payload }, null, licenceFirst: true, cancellationToken);
            return;
        }

        var (reached, live) = await link.CallAsync((b, ct) => b.VerifyMarkAsync(payload, context.Options.DeviceId, ct), cancellationToken);
        VehicleCheck check;
        if (reached)
        {
            check = live!.VehicleCheck ?? new VehicleCheck { Verdict = VehicleVerdict.Unspecified };
        }
        else if (keys.Verifier is { } verifier)
        {
            check = TerminalText.Clean(verifier.VerifyMark(payload));
        }
        else
        {
            context.Say(context.Text.NoKeysForOffline, Tone.Red);
            return;
        }

        log.ShowMark(new MarkResult { Sequence = log.NextSequence(), Offline = !reached, CheckedAt = context.Time.GetUtcNow(), Response = check });
        // A mark whose signature verified waits for the driver's licence.
        context.State.Pending = check.Mark is not null ? new PendingPart.Mark(payload, context.Time.GetUtcNow(), reached ? check : null) : null;
        context.Say(context.State.Pending is null ? (reached ? context.Text.Cleared : context.Text.OfflineLabel) : context.Text.ScanLicenceHint,
            reached ? Tone.Grey : Tone.Amber);
    }

    /// <summary>A scanned licence code: true when it completed the pair with a waiting mark; false leaves it to <see cref="ScanFlow"/>.</summary>
    public async Task<bool> LicenceAsync(string payload, CancellationToken cancellationToken)
    {
        if (Waiting() is not PendingPart.Mark mark || payload.Length > keys.Limits.MaxPayloadLength)
        {
            return false;
        }

        await PairAsync(payload, new CheckRoadsideRequest { MarkQrPayload = mark.Payload }, mark.Live, licenceFirst: false, cancellationToken);
        return true;
    }

    /// <summary>A plate typed (or given after V): true when it completed the pair with a waiting licence; false leaves it to the vehicle check.</summary>
    public async Task<bool> PlateAsync(Plate plate, CancellationToken cancellationToken)
    {
        if (Waiting() is not PendingPart.Licence licence)
        {
            // Not a pair: whatever half waited belongs to another check (the plate typed is this one's vehicle).
            context.State.Pending = null;
            return false;
        }

        await PairAsync(licence.Payload, new CheckRoadsideRequest { Plate = plate }, null, licenceFirst: true, cancellationToken);
        return true;
    }

    /// <summary>The half that waits, if it was scanned within <see cref="PendingPart.PairWindow"/>; an older one is dropped.</summary>
    private PendingPart? Waiting()
    {
        if (context.State.Pending is { } pending && context.Time.GetUtcNow() - pending.ScannedAt > PendingPart.PairWindow)
        {
            context.State.Pending = null;
        }

        return context.State.Pending;
    }

    private async Task PairAsync(string licencePayload, CheckRoadsideRequest request, VehicleCheck? markLive, bool licenceFirst, CancellationToken cancellationToken)
    {
        request.LicenseQrPayload = licencePayload;
        request.DeviceId = context.Options.DeviceId;
        var (reached, live) = await link.CallAsync((b, ct) => b.CheckRoadsideAsync(request, ct), cancellationToken);
        if (reached)
        {
            if (live!.LicenseCheck is { } licence)
            {
                refusals.Remember(licence);
                live.LicenseCheck = licenceFirst ? OwnRepeat(licence) : licence;
            }

            log.ShowRoadside(new RoadsideResult { Sequence = log.NextSequence(), Offline = false, CheckedAt = context.Time.GetUtcNow(), Response = live });
            context.Say(context.Text.Cleared, Tone.Grey);
            return;
        }

        if (keys.Verifier is not { } verifier)
        {
            context.Say(context.Text.NoKeysForOffline, Tone.Red);
            return;
        }

        if (request.VehicleCase != CheckRoadsideRequest.VehicleOneofCase.MarkQrPayload)
        {
            // Nothing signed names the vehicle's type: the handheld has no registry to look a plate up in.
            context.Say(context.Text.PlateNeedsServer, Tone.Amber);
            return;
        }

        var licenceOffline = scans.CheckOffline(licencePayload, verifier);
        // A mark the server answered for minutes ago and refused (stolen, seized…) stays refused offline: this
        // device knows the live answer, and the signed data alone would say VALID.
        var vehicle = markLive is { Verdict: not VehicleVerdict.Valid } refused
            ? refused
            : TerminalText.Clean(verifier.VerifyMark(request.MarkQrPayload));
        var combined = OfflineRoadside.Combine(licenceOffline.Response, vehicle, VehicleTypeCatalog.Default);
        combined.VerifyTime = verifier.Now();
        log.ShowRoadside(new RoadsideResult
        {
            Sequence = log.NextSequence(),
            Offline = true,
            CheckedAt = context.Time.GetUtcNow(),
            Response = combined,
            // The licence scanned first is this pair's own earlier look at the code, not a repeat to warn about.
            OfflineFirstSeen = licenceFirst ? null : licenceOffline.FirstSeen,
            // A licence scanned first was queued at its own scan: the pair's row shares that queued check, so the sync's
            // live answer (a licence revoked meanwhile) flags the row that said MAY DRIVE, not only the scan's.
            QueueId = licenceOffline.QueueId
                ?? (licenceOffline.Response.Credential?.TokenId is { Length: > 0 } token ? log.FirstWithToken(token)?.QueueId : null),
        });
        context.Say(licenceOffline.NotSaved is { } notSaved ? context.Text.QueueNotSaved(notSaved)
            : licenceOffline.RefusedAt is { } refusedAt ? context.Text.RefusedEarlier(Verdicts.LocalTime(refusedAt, context.Time))
            : licenceOffline.QueueId is not null ? context.Text.QueuedForSync
            : context.Text.OfflineRoadsideLabel,
            licenceOffline.NotSaved is not null || licenceOffline.RefusedAt is not null ? Tone.Red : Tone.Amber);
    }

    /// <summary>
    /// The licence code scanned first was verified by this very console in this shift, so the server calls the pair's
    /// second look at it a repeat scan by this device — which it is, but not one to warn about. The flag goes only
    /// when this shift's first answer for the code was itself a first scan (an earlier repeat stays a repeat); the
    /// verdict is the server's, untouched.
    /// </summary>
    private VerifyCredentialResponse OwnRepeat(VerifyCredentialResponse licence)
    {
        if (!licence.RepeatScan || licence.Credential?.TokenId is not { Length: > 0 } tokenId
            || log.FirstWithToken(tokenId) is not { Offline: false } first || first.Reasons.Contains("REPEAT_SCAN", StringComparison.Ordinal))
        {
            return licence;
        }

        var own = licence.Clone();
        own.RepeatScan = false;
        own.FirstScanTime = null;
        return own;
    }
}
