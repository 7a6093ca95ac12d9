using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Server.Security;

/// <summary>
/// What shaping did to one response, path by path: the contract's withheld_fields and masked_fields.
/// Filled only by <see cref="FieldPolicy"/> as it clears or masks, so the lists cannot drift from what was
/// actually stripped.
/// </summary>
public sealed class ShapingRecord
{
    /// <summary>Paths of the fields cleared for the caller's role.</summary>
    public FieldMask Withheld { get; } = new();

    /// <summary>Paths of the string fields sent in masked form.</summary>
    public FieldMask Masked { get; } = new();

    /// <summary>Clears one field of <paramref name="message"/> and records it as withheld.</summary>
    public void Withhold(IMessage message, int fieldNumber, string prefix = "") => Withhold(message, Field(message, fieldNumber), prefix);

    /// <summary>Replaces a string field of <paramref name="message"/> by its masked form and records it as masked.</summary>
    public void Mask(IMessage message, int fieldNumber, Func<string, string> mask, string prefix = "") =>
        Mask(message, Field(message, fieldNumber), mask, prefix);

    internal void Withhold(IMessage message, FieldDescriptor field, string prefix)
    {
        field.Accessor.Clear(message);
        Withheld.Paths.Add(prefix + field.Name);
    }

    internal void Mask(IMessage message, FieldDescriptor field, Func<string, string> mask, string prefix)
    {
        field.Accessor.SetValue(message, mask((string)field.Accessor.GetValue(message)));
        Masked.Paths.Add(prefix + field.Name);
    }

    private static FieldDescriptor Field(IMessage message, int fieldNumber) =>
        message.Descriptor.FindFieldByNumber(fieldNumber)
        ?? throw new ArgumentOutOfRangeException(nameof(fieldNumber), fieldNumber, $"{message.Descriptor.FullName} has no such field");
}

/// <summary>
/// What a non-officer may see of one message type, as an allow-list: the fields it keeps, the string fields
/// it sees masked; every other field is withheld. A field added to the message later is therefore withheld
/// until someone decides that the role may see it.
/// </summary>
public sealed class FieldPolicy
{
    private readonly MessageDescriptor _descriptor;
    private readonly HashSet<int> _kept;
    private readonly Dictionary<int, Func<string, string>> _masked;

    /// <summary>A policy for messages of <paramref name="descriptor"/>'s type.</summary>
    public FieldPolicy(MessageDescriptor descriptor, IEnumerable<int> kept, IReadOnlyDictionary<int, Func<string, string>>? masked = null)
    {
        _descriptor = descriptor;
        _kept = [.. kept];
        _masked = masked is null ? [] : new Dictionary<int, Func<string, string>>(masked);
        foreach (var number in _kept.Concat(_masked.Keys))
        {
            if (descriptor.FindFieldByNumber(number) is null)
            {
                throw new ArgumentException($"{descriptor.FullName} has no field {number}", nameof(kept));
            }
        }
    }

    /// <summary>
    /// Shapes <paramref name="message"/> in place (callers pass a copy): every field the role may not see is
    /// cleared and recorded under <paramref name="prefix"/>, whether or not it held a value, so that the list
    /// tells nothing about the record.
    /// </summary>
    public void Apply(IMessage message, string prefix, ShapingRecord record)
    {
        if (message.Descriptor != _descriptor)
        {
            throw new ArgumentException($"policy for {_descriptor.FullName} applied to {message.Descriptor.FullName}", nameof(message));
        }

        // The descriptor in hand, not looked up again by number for every field of every call.
        foreach (var field in _descriptor.Fields.InFieldNumberOrder())
        {
            if (_masked.TryGetValue(field.FieldNumber, out var mask))
            {
                record.Mask(message, field, mask, prefix);
            }
            else if (!_kept.Contains(field.FieldNumber))
            {
                record.Withhold(message, field, prefix);
            }
        }
    }
}
