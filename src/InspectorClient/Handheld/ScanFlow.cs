using ELicense.Inspector.Offline;
using ELicense.Inspector.Rendering;
using ELicense.V1;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// A scanned licence code, start to answer: the server's verdict when it answers, else the handheld's own
/// check with the cached keys, queued for re-verification; a code the server already refused stays refused.
/// </summary>
public sealed class ScanFlow(
    HandheldContext context, Connectivity link, OfflineKeys keys, ShiftLog log, LiveRefusals refusals, OfflineQueue queue)
{
    /// <summary>Checks a scanned payload: online when the server answers, else on the handheld.</summary>
    public async Task ScanAsync(string payload, string? source, CancellationToken cancellationToken)
    {
        var text = context.Text;
        // The bound the server published (not a constant): a server configured for longer codes is asked.
        if (payload.Length > keys.Limits.MaxPayloadLength)
        {
            context.Say(text.Describe(Verdict.Malformed), Tone.Red);
            return;
        }

        var (reached, live) = await link.CallAsync((b, ct) => b.VerifyAsync(payload, context.Options.DeviceId, ct), cancellationToken);
        if (reached)
        {
            refusals.Remember(live!);
            log.Show(Result(live!, offline: false, context.Time.GetUtcNow(), source));
            if (source is not null)
            {
                context.Say(text.DecodedFrom(source), Tone.Grey);
            }

            return;
        }

        if (keys.Verifier is null)
        {
            context.State.Current = null;
            context.State.Detail = null;
            context.Say(text.NoKeysForOffline, Tone.Red);
            return;
        }

        Offline(payload, source, keys.Verifier);
    }

    /// <summary>Decodes the QR code in the image at <paramref name="path"/> and checks it.</summary>
    public async Task ScanImageAsync(string path, CancellationToken cancellationToken)
    {
        string? decoded;
        try
        {
            decoded = QrImageDecoder.Decode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SixLabors.ImageSharp.UnknownImageFormatException
                                      or SixLabors.ImageSharp.InvalidImageContentException or NotSupportedException)
        {
            context.Say(context.Text.ImageUnreadable(path), Tone.Red);
            return;
        }

        if (decoded is null)
        {
            context.Say(context.Text.NoQrInImage(path), Tone.Red);
        }
        else if (!decoded.StartsWith(keys.Limits.Prefix, StringComparison.Ordinal))
        {
            context.Say(context.Text.NotLicenceQr, Tone.Red);
        }
        else
        {
            await ScanAsync(decoded, path, cancellationToken);
        }
    }

    private void Offline(string payload, string? source, OfflineVerifier verifier)
    {
        var text = context.Text;
        var now = context.Time.GetUtcNow();
        var response = TerminalText.Clean(verifier.Verify(payload, out var notChecked));
        var tokenId = response.Credential?.TokenId;
        // The same code already checked on this device (offline, or online before the connection went): a repeat.
        var earlier = tokenId is null ? null : log.FirstWithToken(tokenId);
        if (response.Verdict == Verdict.Valid && tokenId is not null && refusals.Of(tokenId) is { } refused)
        {
            // The signature still verifies, but the server has already refused this very code: its answer stands.
            log.Show(Result(refused.Answer.Clone(), offline: true, now, source, firstSeen: earlier?.At ?? refused.At));
            context.Say(text.RefusedEarlier(Verdicts.LocalTime(refused.At, context.Time)), Tone.Red);
            return;
        }

        string? queueId = null;
        string? notSaved = null;
        // Worth re-verifying: a pass, a licence the snapshot calls not valid, a key the cache may not have had
        // yet, and a code not checked for want of the server's policy (the server applies its own). A clock
        // set back is not queued: the check's time would come from a clock known to be wrong, and the
        // officer is told to correct it or check online.
        if (earlier is null && (response.Verdict is Verdict.Valid or Verdict.LicenseNotValid or Verdict.UnknownKey
                                || notChecked == NotCheckedOffline.NoUsablePolicy))
        {
            queueId = Guid.NewGuid().ToString("N");
            try
            {
                queue.Add(new QueuedCheck(queueId, payload, context.Options.DeviceId, now, response.Verdict, tokenId,
                    response.Credential?.Snapshot?.LicenseNumber, response.Credential?.ExpireTime?.ToDateTimeOffset()));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The check stays queued in memory and is written with the next save; the officer still gets the answer.
                notSaved = e.Message;
            }

            context.State.Queued = queue.Items.Count;
        }

        log.Show(Result(response, offline: true, now, source, firstSeen: earlier?.At, queueId: queueId));
        if (notSaved is not null)
        {
            context.Say(text.QueueNotSaved(notSaved), Tone.Red);
            return;
        }

        context.Say(queueId is not null ? text.QueuedForSync : source is not null ? text.DecodedFrom(source) : text.OfflineLabel, Tone.Amber);
    }

    private LicenceResult Result(
        VerifyCredentialResponse response, bool offline, DateTimeOffset checkedAt, string? source, DateTimeOffset? firstSeen = null, string? queueId = null) => new()
    {
        Sequence = log.NextSequence(),
        Kind = CheckKind.Scan,
        Offline = offline,
        CheckedAt = checkedAt,
        Response = response,
        OfflineFirstSeen = firstSeen,
        Source = source,
        QueueId = queueId,
    };
}
