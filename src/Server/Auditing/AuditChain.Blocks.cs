using System.Buffers.Binary;

namespace ELicense.Server.Auditing;

/// <summary>Splitting a stored block back into its records: the same on every engine, so that every engine reports a damaged block alike.</summary>
internal static partial class AuditChain
{
    /// <summary>
    /// Splits a block (its first_seq, last_seq and records as read; null when missing or of the wrong type)
    /// into its records. A block that cannot be parsed, or whose records do not match its first_seq and
    /// last_seq, ends in one entry with the problem (parsed records before it are kept). Checks only what
    /// it needs to parse; the chain is the verifier's business.
    /// </summary>
    public static List<TrailEntry> ParseBlock(long? first, long? last, byte[]? records)
    {
        var entries = new List<TrailEntry>();
        if (first is null || last is null || records is not { Length: > 0 })
        {
            entries.Add(Malformed(first ?? 0, $"the block at seq {first} was altered: a column has the wrong type or is missing"));
            return entries;
        }

        var at = 0;
        while (at < records.Length)
        {
            if (records.Length - at < 4)
            {
                entries.Add(Malformed(first.Value, $"the block at seq {first} was altered: it ends in a partial record"));
                return entries;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(records.AsSpan(at));
            if (length < 16 || length > records.Length - at - 4 - HashSize)
            {
                entries.Add(Malformed(first.Value, $"the block at seq {first} was altered: a record's length runs past the block"));
                return entries;
            }

            var body = new ReadOnlyMemory<byte>(records, at + 4, length);
            var sequence = BinaryPrimitives.ReadInt64BigEndian(body.Span);
            entries.Add(new TrailEntry(sequence, body, new ReadOnlyMemory<byte>(records, at + 4 + length, HashSize)));
            at += 4 + length + HashSize;
        }

        if (entries[0].Sequence != first || entries[^1].Sequence != last)
        {
            entries.Add(Malformed(first.Value,
                $"the block at seq {first} was altered: it holds records seq {entries[0].Sequence} to {entries[^1].Sequence}, not {first} to {last}"));
        }

        return entries;
    }

    /// <summary>An entry that stands for stored bytes that are not a record.</summary>
    public static TrailEntry Malformed(long sequence, string problem) => new(sequence, default, default, null, problem);
}
