using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ELicense.Server.Auditing;

/// <summary>
/// The audit file's schema and the hash chain over its records, shared by the writer
/// (<see cref="SqliteAuditLog"/>) and the checker (<see cref="AuditChainVerifier"/>).
/// </summary>
/// <remarks>
/// <para>
/// <c>hash = SHA-256(prev_hash || canonical(record))</c>, where the first record's <c>prev_hash</c> is 32
/// zero bytes and <c>canonical</c> is a version tag, then <c>seq</c> and <c>time_unix_ms</c> as 8-byte
/// big-endian integers, the text fields as a 4-byte big-endian length followed by their UTF-8 bytes (so
/// that no byte can move from one field to the next without changing the hash), and the enums as 4-byte
/// big-endian integers — always in the column order of the table.
/// </para>
/// <para>
/// The <c>meta</c> row (count, head seq, head hash) is updated in the same transaction as every batch,
/// so that removing records from the end — which a chain alone cannot reveal — is caught too.
/// </para>
/// </remarks>
internal static class AuditChain
{
    public const int HashSize = 32;

    public const int SchemaVersion = 1;

    public const string Tables = """
        CREATE TABLE IF NOT EXISTS audit (
            seq          INTEGER PRIMARY KEY,
            time_unix_ms INTEGER NOT NULL,
            caller_id    TEXT NOT NULL,
            device_id    TEXT NOT NULL,
            method       TEXT NOT NULL,
            subject      TEXT NOT NULL,
            purpose      INTEGER NOT NULL,
            result       TEXT NOT NULL,
            source       INTEGER NOT NULL,
            prev_hash    BLOB NOT NULL,
            hash         BLOB NOT NULL
        );

        -- Files from before the subject index moved to a file of its own (see AuditSubjectIndex) carry
        -- this index; every commit paid for it.
        DROP INDEX IF EXISTS ix_audit_subject;

        CREATE TABLE IF NOT EXISTS meta (
            id             INTEGER PRIMARY KEY CHECK (id = 1),
            schema_version INTEGER NOT NULL,
            record_count   INTEGER NOT NULL,
            head_seq       INTEGER NOT NULL,
            head_hash      BLOB NOT NULL
        );

        INSERT OR IGNORE INTO meta (id, schema_version, record_count, head_seq, head_hash)
        VALUES (1, 1, 0, 0, zeroblob(32));
        """;

    public const string RecordColumns = "seq, time_unix_ms, caller_id, device_id, method, subject, purpose, result, source";

    private static ReadOnlySpan<byte> VersionTag => "elicense-audit-v1"u8;

    private static int FixedBytes => VersionTag.Length + HashSize + 8 + 8 + (5 * 4) + 4 + 4;

    /// <summary>Writes the hash of one record into <paramref name="destination"/>; reuses and grows <paramref name="buffer"/>.</summary>
    public static void ComputeHash(ReadOnlySpan<byte> prevHash, long sequence, long timeUnixMs, string callerId, string deviceId,
        string method, string subject, int purpose, string result, int source, ref byte[] buffer, Span<byte> destination)
    {
        var max = FixedBytes + MaxBytes(callerId) + MaxBytes(deviceId) + MaxBytes(method) + MaxBytes(subject) + MaxBytes(result);
        if (buffer.Length < max)
        {
            buffer = new byte[Math.Max(max, buffer.Length * 2)];
        }

        var span = buffer.AsSpan();
        var at = 0;
        VersionTag.CopyTo(span);
        at += VersionTag.Length;
        prevHash.CopyTo(span[at..]);
        at += HashSize;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], sequence);
        at += 8;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], timeUnixMs);
        at += 8;
        at = WriteText(span, at, callerId);
        at = WriteText(span, at, deviceId);
        at = WriteText(span, at, method);
        at = WriteText(span, at, subject);
        BinaryPrimitives.WriteInt32BigEndian(span[at..], purpose);
        at += 4;
        at = WriteText(span, at, result);
        BinaryPrimitives.WriteInt32BigEndian(span[at..], source);
        at += 4;
        SHA256.HashData(span[..at], destination);
    }

    /// <summary>
    /// True when the text is well-formed UTF-16 (no unpaired surrogate): only then does it reach SQLite and
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
