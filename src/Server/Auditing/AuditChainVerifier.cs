using System.Globalization;

namespace ELicense.Server.Auditing;

/// <summary>
/// Checks an audit trail offline, on any engine (<see cref="IAuditTrailSource"/>): every record's hash
/// against its content and the hash before it (32 zero bytes for the first), the sequence for gaps, every
/// block for records it cannot hold, and the records' end against the head the last commit stored (SQLite: the <c>meta</c> row).
/// </summary>
/// <remarks>
/// <para>
/// This detects any change made to part of the file: altering a field of any record, deleting any record
/// (the last one through <c>meta</c>), swapping, reordering or inserting records.
/// </para>
/// <para>
/// It cannot detect a rewrite of the whole file. The chain uses no secret, so an attacker with write
/// access to the file can recompute every hash after a change, or truncate the chain and update
/// <c>meta</c> to match, and the file will verify. The remedy is to anchor the head elsewhere: publish
/// the head hash printed by <c>audit verify</c> (or the <c>meta</c> row) regularly to a place the
/// attacker cannot write — another system's log, a write-once store, a signed timestamp — and compare
/// a later head's chain against it. (A keyed chain, HMAC instead of SHA-256 with the key kept off the
/// audit host, would be another.)
/// </para>
/// </remarks>
public static class AuditChainVerifier
{
    /// <inheritdoc cref="VerifyAsync(IAuditTrailSource, IProgress{AuditVerifyProgress}?, CancellationToken)"/>
    public static Task<AuditVerification> VerifyAsync(IAuditTrailSource trail, CancellationToken cancellationToken) =>
        VerifyAsync(trail, null, cancellationToken);

    /// <summary>The hash of record <paramref name="sequence"/>, or null when there is no such record.</summary>
    public static async Task<byte[]?> HashAtAsync(IAuditTrailSource trail, long sequence, CancellationToken cancellationToken)
    {
        await using var view = await trail.OpenViewAsync(cancellationToken);
        return (await view.EntryAtAsync(sequence, cancellationToken))?.Hash.ToArray();
    }

    /// <summary>Checks the trail of <paramref name="trail"/>, stopping at the first problem.</summary>
    /// <exception cref="FileNotFoundException">There is no trail where <paramref name="trail"/> points.</exception>
    /// <remarks>The engine's own errors (e.g. a file that is not SQLite) propagate; see <see cref="IAuditTrailSource.IsStorageError"/>.</remarks>
    public static async Task<AuditVerification> VerifyAsync(IAuditTrailSource trail, IProgress<AuditVerifyProgress>? progress,
        CancellationToken cancellationToken)
    {
        // One view: the head and the records come from the same snapshot, even while a server keeps appending.
        await using var view = await trail.OpenViewAsync(cancellationToken);
        var (metaCount, metaSequence, metaHash) = await view.ReadHeadAsync(cancellationToken);

        var total = Math.Max(metaCount ?? 0, metaSequence ?? 0);
        var reportEvery = Math.Max(1, total / 100);
        var scratch = new byte[1024];
        var computed = new byte[AuditChain.HashSize];
        var previous = new byte[AuditChain.HashSize];
        long expected = 1, checkedCount = 0;

        await foreach (var entry in view.ReadAfterAsync(null, cancellationToken))
        {
            var sequence = entry.Sequence;
            if (entry.Problem is { } problem)
            {
                return Fail(AuditProblemKind.Altered, sequence, problem);
            }

            if (sequence < expected)
            {
                return Fail(AuditProblemKind.Inserted, sequence, sequence < 1
                    ? $"record seq {sequence} was inserted: sequences start at 1"
                    : $"record seq {sequence} was inserted: it follows seq {expected - 1} (records reordered or duplicated)");
            }

            if (sequence > expected)
            {
                return Fail(AuditProblemKind.Removed, expected, expected == sequence - 1
                    ? $"record seq {expected} was removed (the next present is seq {sequence})"
                    : $"records seq {expected} to {sequence - 1} were removed (the next present is seq {sequence})");
            }

            // Schema-1 rows stored their prev_hash: hashed with it, a mismatch is the content's, and the
            // link is checked on its own. A block's record is hashed with the hash before it.
            var prevHash = entry.StoredPrevHash ?? previous;
            AuditChain.HashBody(prevHash, entry.Body.Span, ref scratch, computed);
            if (!computed.AsSpan().SequenceEqual(entry.Hash.Span))
            {
                return Fail(AuditProblemKind.Altered, sequence, entry.StoredPrevHash is null
                    ? $"record seq {sequence} was altered: its hash does not match its content and its place in the chain"
                    : $"record seq {sequence} was altered: its hash does not match its content");
            }

            if (!prevHash.AsSpan().SequenceEqual(previous))
            {
                return sequence == 1
                    ? Fail(AuditProblemKind.BadFirstRecord, sequence, "record seq 1 does not start the chain: its prev_hash is not 32 zero bytes")
                    : Fail(AuditProblemKind.BrokenLink, sequence,
                        $"record seq {sequence} does not follow seq {sequence - 1}: its prev_hash is not that record's hash (records reordered, removed or inserted)");
            }

            entry.Hash.Span.CopyTo(previous);
            checkedCount++;
            expected++;
            if (checkedCount % reportEvery == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new AuditVerifyProgress(checkedCount, Math.Max(total, checkedCount)));
            }
        }

        var last = expected - 1;
        if (metaCount is null || metaSequence is null || metaHash is not { Length: AuditChain.HashSize })
        {
            return Fail(AuditProblemKind.HeadMismatch, last, "the committed head (meta row) is missing or damaged");
        }

        if (last < metaSequence)
        {
            return Fail(AuditProblemKind.Removed, last + 1, last + 1 == metaSequence
                ? $"record seq {metaSequence} was removed from the end (the last commit's head is seq {metaSequence}, the file ends at seq {last})"
                : $"records seq {last + 1} to {metaSequence} were removed from the end (the last commit's head is seq {metaSequence}, the file ends at seq {last})");
        }

        if (last > metaSequence)
        {
            return Fail(AuditProblemKind.Inserted, metaSequence.Value + 1,
                $"record seq {metaSequence + 1} was inserted: the last commit's head is seq {metaSequence}, the file ends at seq {last}");
        }

        if (!previous.AsSpan().SequenceEqual(metaHash))
        {
            return Fail(AuditProblemKind.HeadMismatch, last, $"record seq {last} differs from the committed head: its hash is not the head hash in meta");
        }

        if (checkedCount != metaCount)
        {
            return Fail(AuditProblemKind.HeadMismatch, last,
                string.Create(CultureInfo.InvariantCulture, $"the file holds {checkedCount} records but the last commit recorded {metaCount}"));
        }

        progress?.Report(new AuditVerifyProgress(checkedCount, checkedCount));
        return new AuditVerification(checkedCount, last, previous, null);

        AuditVerification Fail(AuditProblemKind kind, long sequence, string description) =>
            new(checkedCount, expected - 1, previous, new AuditProblem(kind, sequence, description));
    }
}
