using Google.Protobuf;
using Spectre.Console;

namespace ELicense.Inspector.Rendering;

/// <summary>
/// --json output: the response message as protobuf JSON, default values included, nothing else — except
/// that a field the server withheld for the caller's role is left out rather than printed as its default
/// (its path is in the response's "withheldFields").
/// </summary>
public static class JsonOutput
{
    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    /// <summary>The message as indented protobuf JSON.</summary>
    public static string Format(IMessage message)
    {
        var json = Formatter.Format(message);
        var withheld = Withholding.Of(message).WithheldPaths;
        return withheld.Count == 0 ? json : WithheldJson.Remove(json, message.Descriptor, withheld);
    }

    /// <summary>Writes the JSON unwrapped and unstyled to the console's output.</summary>
    public static void Write(IAnsiConsole console, IMessage message) =>
        console.Profile.Out.Writer.WriteLine(Format(message));
}
