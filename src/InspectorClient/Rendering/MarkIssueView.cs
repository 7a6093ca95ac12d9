using ELicense.V1;
using Spectre.Console;

namespace ELicense.Inspector.Rendering;

/// <summary>Renders an issued inspection mark: the QR code, the payload on its own line, number and validity.</summary>
public static class MarkIssueView
{
    /// <summary>Writes the whole view; <paramref name="showQr"/> false leaves the QR code out.</summary>
    public static void Render(IAnsiConsole console, IssueInspectionMarkResponse response, bool showQr, TimeProvider time)
    {
        if (showQr)
        {
            IssueView.WriteQr(console, response.QrPayload);
        }

        // The payload alone on its line, unwrapped, so that it can be copied or piped to `verify -` or `roadside --mark`.
        console.Profile.Out.Writer.WriteLine(response.QrPayload);
        console.MarkupLine(
            $"[grey]mark[/] {Markup.Escape(response.MarkNumber)}  [grey]expires[/] {Formats.LocalDateTime(response.ExpireTime, time)}  " +
            $"[grey]issued[/] {Formats.LocalDateTime(response.IssueTime, time)}  " +
            $"[grey]token[/] {Markup.Escape(response.TokenId)}  [grey]key[/] {Markup.Escape(response.KeyId)}");
    }
}
