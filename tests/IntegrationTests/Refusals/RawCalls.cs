using System.Text;
using Grpc.Core;

namespace ELicense.IntegrationTests.Refusals;

/// <summary>
/// A client independent of the generated one: request bytes built by hand in the protobuf wire format and
/// sent through a <c>Method&lt;byte[], byte[]&gt;</c>, so that bytes no generated client would send reach the server.
/// </summary>
public static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>Bytes that are not UTF-8: a lone continuation byte and a truncated two-byte sequence.</summary>
    public static readonly byte[] BadUtf8 = [(byte)'A', 0x80, (byte)'B', 0xC3];

    /// <summary>Not a protobuf message: a length-delimited field 1 that claims 127 bytes and holds 3.</summary>
    public static readonly byte[] Garbage = [0x0A, 0x7F, 0x01, 0x02, 0x03];

    public static Method<byte[], byte[]> Unary(string service, string method) =>
        new(MethodType.Unary, service, method, Bytes, Bytes);

    public static Method<byte[], byte[]> Duplex(string service, string method) =>
        new(MethodType.DuplexStreaming, service, method, Bytes, Bytes);

    /// <summary>A length-delimited field (wire type 2): tag, varint length, bytes.</summary>
    public static byte[] Field(int number, byte[] value)
    {
        var output = new List<byte>();
        WriteVarint(output, (uint)((number << 3) | 2));
        WriteVarint(output, (uint)value.Length);
        output.AddRange(value);
        return [.. output];
    }

    private static void WriteVarint(List<byte> output, uint value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    public static byte[] Field(int number, string value) => Field(number, Encoding.UTF8.GetBytes(value));

    /// <summary>A varint field (wire type 0), e.g. an enum.</summary>
    public static byte[] Varint(int number, byte value) => [(byte)(number << 3), value];

    public static byte[] Message(params byte[][] fields) => [.. fields.SelectMany(f => f)];
}
