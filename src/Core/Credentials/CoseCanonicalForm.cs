using System.Buffers.Binary;
using System.Security.Cryptography.Cose;

namespace ELicense.Core.Credentials;

/// <summary>
/// One credential, one encoding: the decoder accepts only what the issuer writes (tag 18, empty
/// unprotected header, shortest lengths). COSE signs the protected header and the content but not the
/// outer framing, so without this a re-encoded credential — untagged, or with an unsigned header added —
/// would still verify under a different QR text.
/// </summary>
public static class CoseCanonicalForm
{
    /// <summary>
    /// True when <paramref name="scanned"/> is byte for byte what the library's <c>Encode</c> writes for
    /// <paramref name="message"/> as the issuer made it: tag 18, an array of four, the protected header
    /// bytes, an empty unprotected map, the content and the signature, every byte string with a definite,
    /// shortest length. Compared in place rather than by encoding the message again, which would allocate
    /// a CBOR writer and its buffers (about 3.5 KB, a third of a verification's allocations) to produce
    /// bytes that are known in advance.
    /// </summary>
    public static bool IsCanonical(CoseSign1Message message, ReadOnlySpan<byte> scanned)
    {
        // 0xD2 is CBOR tag 18 (COSE_Sign1), 0x84 an array of four, 0xA0 an empty map.
        const byte coseSign1Tag = 0xD2, arrayOfFour = 0x84, emptyMap = 0xA0;
        if (message.UnprotectedHeaders.Count != 0 || message.Content is not { } content)
        {
            return false;
        }

        var rest = scanned;
        return Take(ref rest, coseSign1Tag) && Take(ref rest, arrayOfFour)
            && TakeByteString(ref rest, message.RawProtectedHeaders.Span)
            && Take(ref rest, emptyMap)
            && TakeByteString(ref rest, content.Span)
            && TakeByteString(ref rest, message.Signature.Span)
            && rest.IsEmpty;
    }

    private static bool Take(ref ReadOnlySpan<byte> rest, byte expected)
    {
        if (rest.IsEmpty || rest[0] != expected)
        {
            return false;
        }

        rest = rest[1..];
        return true;
    }

    private static bool TakeByteString(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> value)
    {
        // The shortest head of a definite-length byte string (major type 2), as CborWriter writes it.
        Span<byte> head = stackalloc byte[5];
        var length = (uint)value.Length;
        var headLength = 1;
        if (length < 24)
        {
            head[0] = (byte)(0x40 | length);
        }
        else if (length <= byte.MaxValue)
        {
            head[0] = 0x58;
            head[1] = (byte)length;
            headLength = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            head[0] = 0x59;
            BinaryPrimitives.WriteUInt16BigEndian(head[1..], (ushort)length);
            headLength = 3;
        }
        else
        {
            head[0] = 0x5A;
            BinaryPrimitives.WriteUInt32BigEndian(head[1..], length);
            headLength = 5;
        }

        if (!rest.StartsWith(head[..headLength]) || !rest[headLength..].StartsWith(value))
        {
            return false;
        }

        rest = rest[(headLength + value.Length)..];
        return true;
    }
}
