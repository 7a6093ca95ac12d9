using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ELicense.Server.Auditing;

/// <summary>Reading a record's body back: strictly, so that only what <see cref="EncodeBody"/> writes is a record.</summary>
internal static partial class AuditChain
{
    /// <summary>
    /// Reads a body back (see <see cref="EncodeBody"/>); false when it is not one: lengths that run past
    /// its end, bytes left over, or text that is not UTF-8.
    /// </summary>
    public static bool TryDecodeBody(ReadOnlySpan<byte> body, out long sequence, [NotNullWhen(true)] out AuditRecord? record)
    {
        record = null;
        sequence = 0;
        if (body.Length < BodyFixedBytes)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64BigEndian(body);
        var time = BinaryPrimitives.ReadInt64BigEndian(body[8..]);
        var at = 16;
        if (!TryReadText(body, ref at, out var callerId) || !TryReadText(body, ref at, out var deviceId)
            || !TryReadText(body, ref at, out var method) || !TryReadText(body, ref at, out var subject)
            || body.Length - at < 4)
        {
            return false;
        }

        var purpose = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
        at += 4;
        if (!TryReadText(body, ref at, out var result) || (body.Length - at != 4 && body.Length - at != 4 + CountBytes)
            || time < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || time > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        var source = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
        var count = body.Length - at == 4 ? 1 : BinaryPrimitives.ReadInt32BigEndian(body[(at + 4)..]);
        if (count < 2 && body.Length - at != 4)
        {
            return false; // a count of 1 or less is never written: not a body this writer made
        }

        record = new AuditRecord(DateTimeOffset.FromUnixTimeMilliseconds(time), callerId, deviceId, method, subject,
            (ELicense.V1.LookupPurpose)purpose, result, (ELicense.V1.DataSource)source, count);
        return true;
    }

    /// <summary>The subject of a body without decoding the rest (the subject index reads nothing else); null when malformed.</summary>
    public static string? ReadSubject(ReadOnlySpan<byte> body)
    {
        var at = 16;
        for (var skip = 0; skip < 3; skip++)
        {
            if (body.Length - at < 4)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
            if (length < 0 || length > body.Length - at - 4)
            {
                return null;
            }

            at += 4 + length;
        }

        return TryReadText(body, ref at, out var subject) ? subject : null;
    }

    private static bool TryReadText(ReadOnlySpan<byte> body, ref int at, [NotNullWhen(true)] out string? text)
    {
        text = null;
        if (body.Length - at < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
        if (length < 0 || length > body.Length - at - 4)
        {
            return false;
        }

        try
        {
            text = StrictUtf8.GetString(body.Slice(at + 4, length));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        at += 4 + length;
        return true;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
