using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Spectre.Console.Rendering;

namespace ELicense.Inspector.Rendering;

/// <summary>
/// Keeps terminal control characters out of what the console draws. Spectre escapes markup brackets but
/// writes control characters as they are, so an escape sequence in a server's string, a scanned line or a
/// file name would reach the terminal and could clear the screen, recolour it or draw a fake banner (and
/// Spectre measures such characters as -1 cells, which breaks the layout besides). C0 and C1 controls,
/// DEL and the bidirectional overrides become U+FFFD, visible and one cell wide.
/// </summary>
public static class TerminalText
{
    /// <summary>What a control character is replaced by.</summary>
    public const char Replacement = '\uFFFD';

    /// <summary>True for a character a terminal would act on rather than print.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary><paramref name="text"/> with every unsafe character replaced; the same instance when there is none.</summary>
    public static string Clean(string text)
    {
        var first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (span, state) =>
        {
            state.text.AsSpan().CopyTo(span);
            for (var i = state.first; i < span.Length; i++)
            {
                if (IsUnsafe(span[i]))
                {
                    span[i] = Replacement;
                }
            }
        });
    }

    /// <summary>Cleans every string of <paramref name="message"/> and of the messages inside it, in place; returns it.</summary>
    public static T Clean<T>(T message)
        where T : IMessage
    {
        CleanMessage(message);
        return message;
    }

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CleanMessage(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var accessor = field.Accessor;
            switch (field.FieldType)
            {
                case FieldType.String when field.IsRepeated:
                    var strings = (IList)accessor.GetValue(message);
                    for (var i = 0; i < strings.Count; i++)
                    {
                        strings[i] = Clean((string)strings[i]!);
                    }

                    break;
                case FieldType.String:
                    // Only a string that holds something unsafe is set again (setting an unset oneof member would select it).
                    if (accessor.GetValue(message) is string value && IndexOfUnsafe(value) >= 0)
                    {
                        accessor.SetValue(message, Clean(value));
                    }

                    break;
                case FieldType.Message when field.IsMap:
                    // The contract has no maps; should one appear, its values are cleaned like any other.
                    foreach (DictionaryEntry entry in (IDictionary)accessor.GetValue(message))
                    {
                        if (entry.Value is IMessage inner)
                        {
                            CleanMessage(inner);
                        }
                    }

                    break;
                case FieldType.Message when field.IsRepeated:
                    foreach (var inner in (IList)accessor.GetValue(message))
                    {
                        if (inner is IMessage innerMessage)
                        {
                            CleanMessage(innerMessage);
                        }
                    }

                    break;
                case FieldType.Message:
                    if (accessor.GetValue(message) is IMessage nested)
                    {
                        CleanMessage(nested);
                    }

                    break;
            }
        }
    }
}

/// <summary>
/// Renders its child with every unsafe character of its text replaced (see <see cref="TerminalText"/>):
/// the last guard between whatever the screen shows and the terminal. Spectre's own control codes
/// (cursor moves, clearing) are separate segments and pass.
/// </summary>
public sealed class ControlFree(IRenderable child) : Renderable
{
    /// <inheritdoc />
    protected override Measurement Measure(RenderOptions options, int maxWidth) => child.Measure(options, maxWidth);

    /// <inheritdoc />
    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        foreach (var segment in child.Render(options, maxWidth))
        {
            if (segment.IsControlCode || segment.IsLineBreak)
            {
                yield return segment;
                continue;
            }

            var text = TerminalText.Clean(segment.Text);
            yield return ReferenceEquals(text, segment.Text) ? segment : new Segment(text, segment.Style);
        }
    }
}
