using ELicense.Inspector.Offline;
using ELicense.V1;
using Grpc.Core;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// Re-verifies the offline queue with the server once it answers again, and marks each queued row of the
/// shift history confirmed, or DIFFERS when the live answer would have changed the decision.
/// </summary>
public sealed class OfflineSync(
    HandheldContext context, Connectivity link, OfflineKeys keys, ShiftLog log, LiveRefusals refusals, OfflineQueue queue)
{
    private bool _syncing;

    /// <summary>Probes the server (fetching the keys) and, when it answers, syncs the queue: at the start and when idle.</summary>
    public async Task ProbeAndSyncAsync(CancellationToken cancellationToken)
    {
        await keys.ProbeAsync(cancellationToken);
        if (context.State.Connection == ConnectionState.Online && queue.Items.Count > 0)
        {
            await SyncAsync(cancellationToken);
        }
    }

    /// <summary>The officer asked for a sync: probe first, so that the answer says why nothing happened.</summary>
    public async Task OnRequestAsync(CancellationToken cancellationToken)
    {
        var text = context.Text;
        if (context.State.Connection == ConnectionState.ForcedOffline)
        {
            context.Say(text.NeedsConnection, Tone.Amber);
            return;
        }

        await keys.ProbeAsync(cancellationToken);
        if (context.State.Connection != ConnectionState.Online)
        {
            context.Say(text.StillOffline, Tone.Amber);
        }
        else if (queue.Items.Count == 0)
        {
            context.Say(text.NothingQueued, Tone.Grey);
        }
        else
        {
            await SyncAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Re-verifies the queued offline checks online, oldest first, and flags each one whose live answer
    /// would have changed the decision. Stops at the first call that cannot reach the server.
    /// </summary>
    public async Task<IReadOnlyList<SyncResult>> SyncAsync(CancellationToken cancellationToken)
    {
        if (_syncing || queue.Items.Count == 0)
        {
            return [];
        }

        _syncing = true;
        link.SyncDue = false;
        var results = new List<SyncResult>();
        try
        {
            foreach (var check in queue.Items.ToList())
            {
                if (await RecheckAsync(check, cancellationToken) is not { } result)
                {
                    break;
                }

                results.Add(result);
                if (result.Outcome == SyncOutcome.Unresolved)
                {
                    continue;
                }

                queue.Remove(check.Id);
                foreach (var entry in log.OfQueued(check.Id))
                {
                    entry.Sync = result.Outcome == SyncOutcome.Differs ? SyncState.Differs : SyncState.Confirmed;
                    entry.LiveResultCode = LiveCode(result);
                }
            }
        }
        finally
        {
            _syncing = false;
            context.State.Queued = queue.Items.Count;
        }

        if (results.Count > 0)
        {
            context.State.Detail = new Detail.Sync(results);
            var differs = results.Count(r => r.Outcome == SyncOutcome.Differs);
            var confirmed = results.Count(r => r.Outcome == SyncOutcome.Confirmed);
            context.Say(context.Text.SyncSummary(results.Count, confirmed, differs), differs > 0 ? Tone.Red : Tone.Green);
        }

        return results;
    }

    /// <summary>The live answer for one queued check compared with the offline one; null when the server could not be reached.</summary>
    private async Task<SyncResult?> RecheckAsync(QueuedCheck check, CancellationToken cancellationToken)
    {
        var (reached, live) = await link.CallAsync((b, ct) => b.VerifyAsync(check.Payload, check.DeviceId, ct), cancellationToken);
        if (!reached)
        {
            return null;
        }

        GetLicenseResponse? lookup = null;
        var notFound = false;
        // A check queued for a key the cache did not know has no licence number of its own: the
        // server, which knows the key, names it in the claims it verified.
        if (SyncRules.NeedsLookup(live!) && (check.LicenseNumber ?? live!.Credential?.Snapshot?.LicenseNumber) is { Length: > 0 } number)
        {
            try
            {
                (reached, lookup) = await link.CallAsync((b, ct) => b.GetLicenseAsync(number, LookupPurpose.RoadsideCheck, ct), cancellationToken);
                if (!reached)
                {
                    return null;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                notFound = true;
            }
        }

        refusals.Remember(live!);
        return SyncRules.Compare(check, live!, lookup, notFound);
    }

    private static string LiveCode(SyncResult result) =>
        result.Live?.Verdict is Verdict.CredentialExpired or Verdict.CredentialNotYetValid && result.Lookup is { } lookup
            ? lookup.ValidNow ? "VALID_NOW" : "NOT_VALID_NOW"
            : result.Live is { } live ? Codes.Of(live.Verdict) : string.Empty;
}
