using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ELicense.Server.Auditing;

/// <summary>What is wrong with an audit file.</summary>
public enum AuditProblemKind
{
    /// <summary>
    /// A record's hash does not match its content (and, in blocks, the hash before it): a field was
    /// changed, records swapped or replaced; or a block cannot be read as records.
    /// </summary>
    Altered,

    /// <summary>Sequence numbers are missing, in the middle or at the end: records were deleted.</summary>
    Removed,

    /// <summary>
    /// A schema-1 row's stored prev_hash is not its predecessor's hash: records were reordered, removed or
    /// inserted. (Blocks store no prev_hash; there the same shows as <see cref="Altered"/>.)
    /// </summary>
    BrokenLink,

    /// <summary>The first record's stored prev_hash is not 32 zero bytes (schema-1 rows; in blocks: <see cref="Altered"/>).</summary>
    BadFirstRecord,

    /// <summary>Records that the log never committed: a sequence below 1, or beyond the committed head.</summary>
    Inserted,

    /// <summary>The records disagree with the committed head (meta row: count, head seq, head hash), or it is missing.</summary>
    HeadMismatch,
}

/// <summary>The first problem found, at the sequence number where it shows.</summary>
public sealed record AuditProblem(AuditProblemKind Kind, long Sequence, string Description);

/// <summary>The outcome of a check: how many records were checked and the head of the chain (or the problem found).</summary>
public sealed record AuditVerification(long RecordsChecked, long HeadSequence, byte[] HeadHash, AuditProblem? Problem)
{
    public bool Intact => Problem is null;

    public string HeadHashHex => Convert.ToHexStringLower(HeadHash);
}

/// <summary>Progress of a check: records checked of about <see cref="Total"/> (the committed count).</summary>
public readonly record struct AuditVerifyProgress(long Checked, long Total);

/// <summary>
/// Checks an audit file offline: every record's hash against its content and the hash before it (32
/// zero bytes for the first), the sequence for gaps, every block for records it cannot hold, and the
/// records' end against the head the last commit recorded in <c>meta</c>.
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
    private const string SelectMeta = "SELECT record_count, head_seq, head_hash FROM meta WHERE id = 1";

    // Read-only and unpooled: the checker never writes, and leaves no handle open on the file it checked.
    private static string ReadOnlyConnectionString(string fullPath) => new SqliteConnectionStringBuilder
    {
        DataSource = fullPath,
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
    }.ToString();

    /// <inheritdoc cref="VerifyAsync(string, IProgress{AuditVerifyProgress}?, CancellationToken)"/>
    public static Task<AuditVerification> VerifyAsync(string path, CancellationToken cancellationToken) =>
        VerifyAsync(path, null, cancellationToken);

    /// <summary>The hash of record <paramref name="sequence"/>, or null when there is no such record.</summary>
    public static async Task<byte[]?> HashAtAsync(string path, long sequence, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ReadOnlyConnectionString(Path.GetFullPath(path)));
        await connection.OpenAsync(cancellationToken);
        return new AuditTrailReader(connection, null).EntryAt(sequence)?.Hash.ToArray();
    }

    /// <summary>Checks the audit file at <paramref name="path"/>, stopping at the first problem.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="SqliteException">The file is not an audit database (e.g. not SQLite, or no audit table).</exception>
    public static async Task<AuditVerification> VerifyAsync(string path, IProgress<AuditVerifyProgress>? progress,
        CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"There is no audit file at {fullPath}.", fullPath);
        }

        await using var connection = new SqliteConnection(ReadOnlyConnectionString(fullPath));
        await connection.OpenAsync(cancellationToken);

        // One read transaction: the meta row and the records come from the same snapshot, even while a
        // server keeps appending.
        await using var transaction = connection.BeginTransaction(deferred: true);

        long? metaCount = null, metaSequence = null;
        byte[]? metaHash = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = SelectMeta;
            command.Transaction = transaction;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                metaCount = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                metaSequence = reader.IsDBNull(1) ? null : reader.GetInt64(1);
                metaHash = reader.GetValue(2) as byte[];
            }
        }

        var total = Math.Max(metaCount ?? 0, metaSequence ?? 0);
        var reportEvery = Math.Max(1, total / 100);
        var scratch = new byte[1024];
        var computed = new byte[AuditChain.HashSize];
        var previous = new byte[AuditChain.HashSize];
        long expected = 1, checkedCount = 0;

        foreach (var entry in new AuditTrailReader(connection, transaction).ReadAfter(null))
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
