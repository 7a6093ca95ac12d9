using System.Formats.Cbor;
using System.Security.Cryptography.Cose;
using System.Text;
using CsCheck;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>CsCheck generators of CBOR values, protected headers, payloads and Sign1 encodings, hostile by design.</summary>
public sealed partial class CredentialPropertyTests
{
    private static readonly Gen<Action<CborWriter>> GenCborValue = Gen.Recursive<Action<CborWriter>>((depth, self) =>
    {
        var leaf = Gen.OneOf(
            Gen.Long.Select<long, Action<CborWriter>>(v => w => w.WriteInt64(v)),
            Gen.Int[-70000, 70000].Select<int, Action<CborWriter>>(v => w => w.WriteInt32(v)),
            Gen.ULong.Select<ulong, Action<CborWriter>>(v => w => w.WriteUInt64(v)),
            Gen.String[0, 40].Select<string, Action<CborWriter>>(v => w => WriteText(w, v)),
            Gen.Byte.Array[0, 80].Select<byte[], Action<CborWriter>>(v => w => w.WriteByteString(v)),
            Gen.Byte.Array[8].Select<byte[], Action<CborWriter>>(v => w => w.WriteByteString(v)),
            Gen.Const<Action<CborWriter>>(w => w.WriteByteString(Pool.Credentials[0].KeyId)),
            Gen.Bool.Select<bool, Action<CborWriter>>(v => w => w.WriteBoolean(v)),
            Gen.Const<Action<CborWriter>>(w => w.WriteNull()),
            Gen.Double.Select<double, Action<CborWriter>>(v => w => w.WriteDouble(v)));
        if (depth >= 5)
        {
            return leaf;
        }

        var key = Gen.OneOf(
            Gen.Int[-10, 10].Select<int, Action<CborWriter>>(v => w => w.WriteInt32(v)),
            Gen.Long.Select<long, Action<CborWriter>>(v => w => w.WriteInt64(v)),
            Gen.String[0, 8].Select<string, Action<CborWriter>>(v => w => WriteText(w, v)));
        var array = Gen.Select(self.Array[0, 6], Gen.Bool, (items, indefinite) => (Action<CborWriter>)(w =>
        {
            w.WriteStartArray(indefinite ? null : items.Length);
            foreach (var item in items)
            {
                item(w);
            }

            w.WriteEndArray();
        }));
        var map = Gen.Select(Gen.Select(key, self).Array[0, 6], entries => (Action<CborWriter>)(w =>
        {
            w.WriteStartMap(entries.Length);
            foreach (var (k, v) in entries)
            {
                k(w);
                v(w);
            }

            w.WriteEndMap();
        }));
        var tagged = Gen.Select(Gen.OneOf(18, 61), self, (tag, inner) => (Action<CborWriter>)(w =>
        {
            w.WriteTag((CborTag)tag);
            inner(w);
        }));
        // Protected-header bytes: a serialized map with alg and kid of random or plausible values.
        var wrapped = self.Select<Action<CborWriter>, Action<CborWriter>>(inner => w => w.WriteByteString(Encode(inner)));
        return Gen.Frequency((4, leaf), (2, array), (2, map), (1, tagged), (1, wrapped));
    });

    /// <summary>A protected header map: alg (ES256, another int, or text) and kid (ours, random, or not bytes), plus random extras.</summary>
    private static readonly Gen<byte[]> GenProtectedHeader =
        Gen.Select(
            Gen.Frequency((3, Gen.Const<Action<CborWriter>>(w => w.WriteInt32(-7))), (1, GenCborValue)),
            Gen.Frequency((3, Gen.Const<Action<CborWriter>>(w => w.WriteByteString(Pool.Credentials[0].KeyId))), (1, GenCborValue)),
            Gen.Select(Gen.Int[-70000, 70000], GenCborValue).Array[0, 2],
            (alg, kid, extras) => Encode(w =>
            {
                var labels = new HashSet<int> { 1, 4 };
                var distinct = extras.Where(e => labels.Add(e.Item1)).ToArray();
                w.WriteStartMap(2 + distinct.Length);
                w.WriteInt32(1);
                alg(w);
                w.WriteInt32(4);
                kid(w);
                foreach (var (label, value) in distinct)
                {
                    w.WriteInt32(label);
                    value(w);
                }

                w.WriteEndMap();
            }));

    /// <summary>Random CBOR, half of it shaped like a COSE_Sign1 so that the verifier's later checks get hostile input too.</summary>
    private static readonly Gen<byte[]> GenCborPayload = Gen.Frequency(
        (1, GenCborValue.Select(Encode)),
        (1, Gen.Select(GenProtectedHeader, GenCborValue, GenCborValue, GenCborValue, Gen.Bool).Select(t =>
        {
            var (protectedHeader, unprotectedHeader, content, signature, tagged) = t;
            return Encode(w =>
            {
                if (tagged)
                {
                    w.WriteTag((CborTag)18);
                }

                w.WriteStartArray(4);
                w.WriteByteString(protectedHeader);
                unprotectedHeader(w);
                content(w);
                signature(w);
                w.WriteEndArray();
            });
        })),
        (1, Gen.Select(GenProtectedHeader, Gen.Byte.Array[0, 200], Gen.Byte.Array[64]).Select(t => Encode(w =>
        {
            // Well-formed COSE_Sign1 with a plausible header and a random signature: reaches ECDSA.
            w.WriteTag((CborTag)18);
            w.WriteStartArray(4);
            w.WriteByteString(t.Item1);
            w.WriteStartMap(0);
            w.WriteEndMap();
            w.WriteByteString(t.Item2);
            w.WriteByteString(t.Item3);
            w.WriteEndArray();
        }))));

    /// <summary>
    /// A COSE_Sign1 written by hand, each part in a form the decoder accepts: tag 18 short, long or
    /// missing; the array definite, long or indefinite; byte strings (content up to 700 bytes, so every
    /// head width occurs) with shortest, longer-than-needed or indefinite (chunked) lengths; the
    /// unprotected map empty, empty in a long form, indefinite, or holding a header.
    /// </summary>
    private static readonly Gen<byte[]> GenSign1Encoding =
        from tag in Gen.Frequency((6, Gen.Const<byte[]>([0xD2])), (1, Gen.Const<byte[]>([0xD8, 0x12])), (1, Gen.Const<byte[]>([])))
        from array in Gen.Frequency((6, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)))
        from protectedHeader in Gen.Frequency((3, Gen.Const(0).Select(_ => CoseMessage.DecodeSign1(Pool.Credentials[0].Cose).RawProtectedHeaders.ToArray())), (1, GenProtectedHeader))
        from unprotectedHeader in Gen.Frequency(
            (6, Gen.Const<byte[]>([0xA0])), (1, Gen.Const<byte[]>([0xB8, 0x00])), (1, Gen.Const<byte[]>([0xBF, 0xFF])),
            (1, Gen.Const<byte[]>([0xA1, 0x20, 0x00])))
        from content in Gen.Byte.Array[0, 700]
        from signature in Gen.Frequency((3, Gen.Byte.Array[64]), (1, Gen.Byte.Array[0, 300]))
        from forms in Gen.Frequency((6, Gen.Const(0)), (1, Gen.Int[1, 2])).Array[3]
        select (byte[])[
            .. tag,
            .. array switch { 0 => [0x84], 1 => [0x98, 0x04], _ => new byte[] { 0x9F } },
            .. ByteString(protectedHeader, forms[0]),
            .. unprotectedHeader,
            .. ByteString(content, forms[1]),
            .. ByteString(signature, forms[2]),
            .. array == 2 ? new byte[] { 0xFF } : []];

    /// <summary>A CBOR byte string: 0 shortest head, 1 a head one size longer than needed, 2 indefinite length in one chunk.</summary>
    private static byte[] ByteString(byte[] value, int form)
    {
        var shortest = Encode(w => w.WriteByteString(value));
        if (form == 2)
        {
            return [0x5F, .. shortest, 0xFF];
        }

        if (form == 0)
        {
            return shortest;
        }

        var n = value.Length;
        return n < 24 ? [0x58, (byte)n, .. value]
            : n <= byte.MaxValue ? [0x59, 0x00, (byte)n, .. value]
            : [0x5A, 0x00, 0x00, (byte)(n >> 8), (byte)n, .. value];
    }

    private static byte[] Encode(Action<CborWriter> write)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false, allowMultipleRootLevelValues: false);
        write(writer);
        return writer.Encode();
    }

    /// <summary>Writes text, replacing lone surrogates (which CBOR text cannot carry) so that generation never throws.</summary>
    private static void WriteText(CborWriter writer, string text) =>
        writer.WriteTextString(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)));
}
