using System.Buffers;
using ELicense.Server.Validation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit;

namespace ELicense.Server.Tests.Validation;

public sealed class MalformedRequestsTests
{
    private static readonly Marshaller<Value> Inner = Marshallers.Create(v => v.ToByteArray(), Value.Parser.ParseFrom);

    [Fact]
    public void Guard_DeeplyNestedBadString_DefersTheFieldScanToTheRefusal()
    {
        var payload = NestedBadString(levels: 7, stringBytes: 60_000);
        var guarded = MalformedRequests.Guard(Inner);
        guarded.ContextualDeserializer(new Payload(payload)); // warm up: JIT and descriptors allocate once

        var before = GC.GetAllocatedBytesForCurrentThread();
        var request = guarded.ContextualDeserializer(new Payload(payload));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The marshaller runs before the rate limit: it may keep the bytes, not walk them once per level.
        Assert.True(allocated < 8L * payload.Length, $"{allocated} bytes allocated for a {payload.Length}-byte payload");
        Assert.True(MalformedRequests.IsMalformed(request, out var refusal));
        Assert.StartsWith("Invalid list_value.values.list_value.values.", MalformedRequests.Describe(refusal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07 })]                         // length of 2 GiB, no bytes
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // varint past 64 bits
    [InlineData(new byte[] { 0x33, 0x33, 0x33, 0x33 })]                                      // start-groups without end
    [InlineData(new byte[] { 0x0C })]                                                        // end-group with no start
    public void FindInvalidUtf8_HostileBytes_ReturnsNull(byte[] bytes)
    {
        Assert.Null(MalformedRequests.FindInvalidUtf8(Value.Descriptor, bytes, 0));
    }

    /// <summary>A Value holding a list holding a Value ... <paramref name="levels"/> deep, a non-UTF-8 string at the bottom.</summary>
    private static byte[] NestedBadString(int levels, int stringBytes)
    {
        var text = new byte[stringBytes];
        text.AsSpan().Fill((byte)'a');
        text[^1] = 0xFF;
        var bytes = Field(3, text); // Value.string_value
        for (var i = 0; i < levels; i++)
        {
            bytes = Field(6, Field(1, bytes)); // Value.list_value, ListValue.values
        }

        return bytes;
    }

    private static byte[] Field(int number, byte[] value)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
        output.Flush();
        return stream.ToArray();
    }

    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])bytes.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }
}
