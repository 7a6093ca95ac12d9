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
            Await(live!, payload);
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

    /// <summary>
    /// The QR text in the image at <paramref name="path"/> when it is a licence code or an inspection mark; null
    /// (with the reason in the footer) when the image cannot be read, holds no QR code, or another one.
    /// </summary>
    public string? DecodeImage(string path)
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
            return null;
        }

        if (decoded is null)
        {
            context.Say(context.Text.NoQrInImage(path), Tone.Red);
            return null;
        }

        if (!decoded.StartsWith(keys.Limits.Prefix, StringComparison.Ordinal) && !decoded.StartsWith(keys.Limits.MarkPrefix, StringComparison.Ordinal))
        {
            context.Say(context.Text.NotLicenceQr, Tone.Red);
            return null;
        }

        return decoded;
    }

    /// <summary>
    /// Checks a licence code on the handheld: the cached keys' verdict, unless the server already refused this
    /// very code in this shift (its answer stands), and queues it for re-verification when that is worth doing.
    /// </summary>
    public OfflineLicence CheckOffline(string payload, OfflineVerifier verifier)
    {
        var now = context.Time.GetUtcNow();
        var response = TerminalText.Clean(verifier.Verify(payload, out var notChecked));
        var tokenId = response.Credential?.TokenId;
        // The same code already checked on this device (offline, or online before the connection went): a repeat.
        var earlier = tokenId is null ? null : log.FirstWithToken(tokenId);
        if (response.Verdict == Verdict.Valid && tokenId is not null && refusals.Of(tokenId) is { } refused)
        {
            // The signature still verifies, but the server has already refused this very code: its answer stands.
            return new OfflineLicence(refused.Answer.Clone(), earlier?.At ?? refused.At, null, null, refused.At);
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

        return new OfflineLicence(response, earlier?.At, queueId, notSaved, null);
    }

    private void Offline(string payload, string? source, OfflineVerifier verifier)
    {
        var text = context.Text;
        var now = context.Time.GetUtcNow();
        var checkedOffline = CheckOffline(payload, verifier);
        log.Show(Result(checkedOffline.Response, offline: true, now, source, firstSeen: checkedOffline.FirstSeen, queueId: checkedOffline.QueueId));
        Await(checkedOffline.Response, payload);
        if (checkedOffline.RefusedAt is { } refusedAt)
        {
            context.Say(text.RefusedEarlier(Verdicts.LocalTime(refusedAt, context.Time)), Tone.Red);
            return;
        }

        if (checkedOffline.NotSaved is { } notSaved)
        {
            context.Say(text.QueueNotSaved(notSaved), Tone.Red);
            return;
        }

        context.Say(checkedOffline.QueueId is not null ? text.QueuedForSync : source is not null ? text.DecodedFrom(source) : text.OfflineLabel, Tone.Amber);
    }

    // A licence whose signature verified waits for its vehicle: a mark scan or a plate completes the roadside pair.
    private void Await(VerifyCredentialResponse response, string payload) =>
        context.State.Pending = response.Credential is not null ? new PendingPart.Licence(payload, context.Time.GetUtcNow()) : null;

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

/// <summary>What checking a licence code on the handheld found, and what became of it.</summary>
/// <param name="Response">The answer to show.</param>
/// <param name="FirstSeen">When this device already checked the same code in this shift.</param>
/// <param name="QueueId">The queue id, when it was queued for re-verification.</param>
/// <param name="NotSaved">Why the queue could not be saved, when it could not.</param>
/// <param name="RefusedAt">When the server refused this very code in this shift (its answer is <paramref name="Response"/>).</param>
public sealed record OfflineLicence(VerifyCredentialResponse Response, DateTimeOffset? FirstSeen, string? QueueId, string? NotSaved, DateTimeOffset? RefusedAt);
