using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace ELicense.Server.Validation;

/// <summary>
/// Request bytes that are not a request — not protobuf, or a string field that is not UTF-8 — are the
/// caller's error, not the server's. Deserialising them threw inside grpc-dotnet, before any interceptor:
/// UNKNOWN, no audit record, no rate limit, and an error with a stack trace in the log per call.
/// </summary>
/// <remarks>
/// <para>
/// Instead, the request marshaller of every method (see <see cref="GuardedServiceMethodProvider{TService}"/>)
/// catches the parse error and hands the call an empty request marked as malformed, with what was wrong.
/// The call then goes the way of every other call: the rate limit charges it, and
/// <see cref="MalformedRequestInterceptor"/> refuses it with INVALID_ARGUMENT and records the refusal.
/// </para>
/// <para>
/// Google.Protobuf does not say which field failed, so a second, lenient pass over the bytes (refused
/// calls only) walks the wire format by the message's descriptor and names the first string field, at
/// any depth, whose bytes are not UTF-8. When the bytes are not protobuf at all, no field is named.
/// </para>
/// </remarks>
public static class MalformedRequests
{
    private const int MaxDepth = 16;

    private static readonly ConditionalWeakTable<object, Mark> Marks = [];

    /// <summary>A marshaller that answers bytes it cannot parse with a marked empty request instead of an exception.</summary>
    public static Marshaller<T> Guard<T>(Marshaller<T> inner) where T : class
    {
        var deserialize = inner.ContextualDeserializer;
        return new Marshaller<T>(inner.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or DecoderFallbackException)
            {
                var empty = deserialize(EmptyPayload.Instance); // what a request of no fields is: real, typed, unique
                // Only the bytes are kept here: the marshaller runs before the rate limit, so the lenient
                // pass waits for the refusal (see Mark), and a flood pays one copy per call, not a scan.
                Marks.AddOrUpdate(empty, new Mark((empty as IMessage)?.Descriptor, context.PayloadAsReadOnlySequence().ToArray()));
                return empty;
            }
        });
    }

    /// <summary>The refusal of a request that came as bytes the method cannot parse; false for every real request.</summary>
    public static bool IsMalformed(object? request, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RpcException? refusal)
    {
        refusal = null;
        if (request is null || !Marks.TryGetValue(request, out var mark))
        {
            return false;
        }

        refusal = mark.Refusal;
        return true;
    }

    /// <summary>What the log line and the audit detail say of a refusal: the field, or that the bytes were no message.</summary>
    public static string Describe(RpcException refusal) => refusal.Status.Detail;

    /// <summary>
    /// What a marked request came as. The refusal is built when first asked for — by the interceptor, after
    /// the rate limit — and at most twice if two threads ask at once (same result): no lock needed.
    /// </summary>
    private sealed class Mark(MessageDescriptor? type, byte[] payload)
    {
        private RpcException? _refusal;

        public RpcException Refusal => _refusal ??=
            RpcErrors.MalformedRequest(type?.FullName ?? "request", type is null ? null : FindInvalidUtf8(type, payload, 0));
    }

    /// <summary>The path (e.g. <c>plate.number</c>) of the first string field that is not UTF-8; null when none is, or the bytes are not protobuf.</summary>
    /// <remarks>A nested message is read in place, in the copy the outer level made: one copy per level, not two.</remarks>
    internal static string? FindInvalidUtf8(MessageDescriptor type, ReadOnlyMemory<byte> bytes, int depth)
    {
        var input = MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(bytes.ToArray());
        try
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = type.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag));
                if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited
                    || field is null || field.FieldType is not (FieldType.String or FieldType.Message))
                {
                    input.SkipLastField();
                    continue;
                }

                var value = input.ReadBytes();
                if (field.FieldType == FieldType.String && !System.Text.Unicode.Utf8.IsValid(value.Span))
                {
                    return field.Name;
                }

                if (field.FieldType == FieldType.Message && depth < MaxDepth
                    && FindInvalidUtf8(field.MessageType, value.Memory, depth + 1) is { } inner)
                {
                    return field.Name + "." + inner;
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            return null; // not protobuf from here on: no field to name
        }

        return null;
    }

    /// <summary>The payload of an empty message: the marshaller's own deserialiser builds the marked request from it.</summary>
    private sealed class EmptyPayload : DeserializationContext
    {
        public static readonly EmptyPayload Instance = new();

        public override int PayloadLength => 0;

        public override byte[] PayloadAsNewBuffer() => [];

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => ReadOnlySequence<byte>.Empty;
    }
}
