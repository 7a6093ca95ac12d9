using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ELicense.Server.Auditing;

/// <summary>
/// The hash chain over the audit records and their encoding, the same on every storage engine: shared by
/// the writer (<see cref="AuditBatch"/>), the engines' readers and the checker (<see cref="AuditChainVerifier"/>).
/// The SQLite storage of it: <c>Sqlite/SqliteAuditSchema</c>.
/// </summary>
/// <remarks>
/// <para>
/// <c>hash = SHA-256(tag || prev_hash || body)</c>, where the first record's <c>prev_hash</c> is 32 zero
/// bytes, the tag is <c>elicense-audit-v1</c> and the body is <c>seq</c> and <c>time_unix_ms</c> as
/// 8-byte big-endian integers, then caller, device, method and subject as a 4-byte big-endian length
/// followed by their UTF-8 bytes (so that no byte can move from one field to the next without changing
/// the hash), the purpose as a 4-byte big-endian integer, the result as text, the source as an integer,
/// and — only in a record that stands for more than one call (refusals aggregated per second, see
/// <see cref="RefusalAggregator"/>) — the count of calls as a 4-byte big-endian integer of at least 2. A
/// record of one call ends after the source, so every record written before counts existed keeps its
/// bytes and its hash, and a count of 1 has one encoding only (the absent one).
/// </para>
/// <para>
/// Storage (schema 2): a group commit writes its records as blocks, rows of <c>audit_block</c> holding
/// up to <see cref="MaxBlockRecords"/> consecutive records, each as a 4-byte big-endian body length, the
/// body and the record's hash. The previous hash is not stored: it is the hash before it in the trail.
/// One row per block instead of one per record is what makes the trail cheap to write: SQLite's cost is
/// per row and per column, and a record's body is the very bytes its hash needed anyway. Files from
/// schema 1 hold one row per record in <c>audit</c> (those columns, plus <c>prev_hash</c> and
/// <c>hash</c>); their records come first, the blocks continue the same chain.
/// </para>
/// <para>
/// The <c>meta</c> row (count, head seq, head hash) is updated in the same transaction as every batch,
/// so that removing records from the end — which a chain alone cannot reveal — is caught too.
/// </para>
/// </remarks>
internal static partial class AuditChain
{
    public const int HashSize = 32;

    /// <summary>
    /// Most records in one block. A holder's lookup reads a whole block to show one record, so blocks stay
    /// small (about 20 KB) while a batch of thousands still costs only tens of rows.
    /// </summary>
    public const int MaxBlockRecords = 128;

    private static ReadOnlySpan<byte> VersionTag => "elicense-audit-v1"u8;

    /// <summary>The bytes hashed ahead of a record's body: the version tag and the previous hash.</summary>
    private static int PrefixBytes => VersionTag.Length + HashSize;

    /// <summary>A body's bytes besides its text: seq and time, five text lengths, purpose and source.</summary>
    private const int BodyFixedBytes = 8 + 8 + (5 * 4) + 4 + 4;

    /// <summary>The optional count at the end of a body (records of more than one call only).</summary>
    private const int CountBytes = 4;

    /// <summary>
    /// The most bytes <see cref="EncodeBody"/> writes for a record with these text fields (the UTF-8 bound
    /// of each text, so no pass over the text is needed to size a buffer).
    /// </summary>
    public static int MaxBodyBytes(string callerId, string deviceId, string method, string subject, string result) =>
        BodyFixedBytes + CountBytes + MaxBytes(callerId) + MaxBytes(deviceId) + MaxBytes(method) + MaxBytes(subject) + MaxBytes(result);

    /// <summary>
    /// Writes a record's canonical body (everything the hash covers after the tag and the previous hash)
    /// into <paramref name="destination"/>, which must hold <see cref="MaxBodyBytes"/>; returns its length.
    /// </summary>
    /// <param name="count">The calls the record stands for (at least 1); written only when above 1.</param>
    public static int EncodeBody(Span<byte> destination, long sequence, long timeUnixMs, string callerId, string deviceId,
        string method, string subject, int purpose, string result, int source, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var at = 0;
        BinaryPrimitives.WriteInt64BigEndian(destination, sequence);
        at += 8;
        BinaryPrimitives.WriteInt64BigEndian(destination[at..], timeUnixMs);
        at += 8;
        at = WriteText(destination, at, callerId);
        at = WriteText(destination, at, deviceId);
        at = WriteText(destination, at, method);
        at = WriteText(destination, at, subject);
        BinaryPrimitives.WriteInt32BigEndian(destination[at..], purpose);
        at += 4;
        at = WriteText(destination, at, result);
        BinaryPrimitives.WriteInt32BigEndian(destination[at..], source);
        at += 4;
        if (count > 1)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination[at..], count);
            at += CountBytes;
        }

        return at;
    }

    /// <summary>
    /// The chain hash of a record from its body (see <see cref="EncodeBody"/>) and its predecessor's hash;
    /// reuses and grows <paramref name="scratch"/>.
    /// </summary>
    public static void HashBody(ReadOnlySpan<byte> prevHash, ReadOnlySpan<byte> body, ref byte[] scratch, Span<byte> destination)
    {
        var length = PrefixBytes + body.Length;
        if (scratch.Length < length)
        {
            scratch = new byte[Math.Max(length, scratch.Length * 2)];
        }

        // One contiguous input: a single one-shot hash is cheaper than an incremental one for ~200 bytes.
        VersionTag.CopyTo(scratch);
        prevHash.CopyTo(scratch.AsSpan(VersionTag.Length));
        body.CopyTo(scratch.AsSpan(PrefixBytes));
        SHA256.HashData(scratch.AsSpan(0, length), destination);
    }

    /// <summary>Writes the hash of one record into <paramref name="destination"/>; reuses and grows <paramref name="buffer"/>.</summary>
    public static void ComputeHash(ReadOnlySpan<byte> prevHash, long sequence, long timeUnixMs, string callerId, string deviceId,
        string method, string subject, int purpose, string result, int source, ref byte[] buffer, Span<byte> destination)
    {
        var max = PrefixBytes + MaxBodyBytes(callerId, deviceId, method, subject, result);
        if (buffer.Length < max)
        {
            buffer = new byte[Math.Max(max, buffer.Length * 2)];
        }

        var span = buffer.AsSpan();
        VersionTag.CopyTo(span);
        prevHash.CopyTo(span[VersionTag.Length..]);
        var length = EncodeBody(span[PrefixBytes..], sequence, timeUnixMs, callerId, deviceId, method, subject, purpose, result, source);
        SHA256.HashData(span[..(PrefixBytes + length)], destination);
    }

    /// <summary>
    /// True when the text is well-formed UTF-16 (no unpaired surrogate): only then does it reach storage and
    /// come back unchanged, so that the verifier recomputes the very bytes the writer hashed.
    /// </summary>
    public static bool IsWellFormed(string text)
    {
        var span = text.AsSpan();
        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return true;
        }

        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int MaxBytes(string text) => Encoding.UTF8.GetMaxByteCount(text.Length);

    private static int WriteText(Span<byte> span, int at, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, span[(at + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(span[at..], length);
        return at + 4 + length;
    }
}
