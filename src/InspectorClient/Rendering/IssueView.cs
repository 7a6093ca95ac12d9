using ELicense.V1;
using Spectre.Console;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders an issued credential: the QR code, the payload on its own line, the expiry.</summary>
public static class IssueView
{
    /// <summary>Writes the whole view; <paramref name="showQr"/> false leaves the QR code out.</summary>
    public static void Render(IAnsiConsole console, IssueCredentialResponse response, bool showQr, TimeProvider time)
    {
        if (showQr)
        {
            WriteQr(console, response.QrPayload);
        }

        // The payload alone on its line, unwrapped, so that it can be copied or piped to `verify -`.
        console.Profile.Out.Writer.WriteLine(response.QrPayload);
        console.MarkupLine(
            $"[grey]expires[/] {Formats.LocalDateTime(response.ExpireTime, time)}  " +
            $"[grey]issued[/] {Formats.LocalDateTime(response.IssueTime, time)}  " +
            $"[grey]token[/] {Markup.Escape(response.TokenId)}  [grey]key[/] {Markup.Escape(response.KeyId)}");
    }

    /// <summary>
    /// Writes the QR code. With colours it is drawn black on white whatever the terminal's theme; without
    /// colours the light modules are drawn as ink, which reads dark-on-light on a dark terminal.
    /// </summary>
    public static void WriteQr(IAnsiConsole console, string payload)
    {
        var colour = console.Profile.Capabilities.Ansi && console.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;
        var style = colour ? new Style(Color.Black, Color.White) : Style.Plain;
        foreach (var line in QrCodeText.Lines(QrCodeText.Modules(payload), inkIsDark: colour))
        {
            console.Write(new Text(line, style) { Overflow = Overflow.Crop });
            console.WriteLine();
        }
    }
}
