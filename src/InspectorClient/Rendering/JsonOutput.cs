using Google.Protobuf;
using Spectre.Console;

namespace ELicense.Inspector.Rendering;

/// <summary>--json output: the response message as protobuf JSON, default values included, nothing else.</summary>
public static class JsonOutput
{
    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    /// <summary>The message as indented protobuf JSON.</summary>
    public static string Format(IMessage message) => Formatter.Format(message);

    /// <summary>Writes the JSON unwrapped and unstyled to the console's output.</summary>
    public static void Write(IAnsiConsole console, IMessage message) =>
        console.Profile.Out.Writer.WriteLine(Format(message));
}
