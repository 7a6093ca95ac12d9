using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using ELicense.V1;
using Spectre.Console;

namespace ELicense.Inspector.Holder;

/// <summary>The holder's screen: the QR code, its text, when it refreshes and expires.</summary>
public static class HolderScreen
{
    /// <summary>Writes the screen for one issued credential; <paramref name="refreshAt"/> is null for the last one.</summary>
    public static void Render(
        IAnsiConsole console, IssueCredentialResponse credential, DateTimeOffset? refreshAt, int shown, int? total, string? pngPath,
        UiText text, TimeProvider time)
    {
        console.MarkupLine($"[bold]{Markup.Escape(text.HolderTitle)}[/]");
        IssueView.WriteQr(console, credential.QrPayload);
        // The text alone on its line, unwrapped, so that it can be copied into a console's scan prompt.
        console.Profile.Out.Writer.WriteLine(TerminalText.Clean(credential.QrPayload));
        var expires = Formats.LocalDateTime(credential.ExpireTime, time);
        var line = refreshAt is { } at
            ? text.HolderRefresh(TimeZoneInfo.ConvertTime(at, time.LocalTimeZone).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), expires)
            : text.HolderExpires(expires);
        console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
        console.MarkupLine($"[grey]{Markup.Escape(text.HolderCount(shown, total))}[/]");
        if (pngPath is not null)
        {
            console.MarkupLine($"[grey]{Markup.Escape(TerminalText.Clean(text.PngWritten(pngPath)))}[/]");
        }
    }

    /// <summary>
    /// When to show the next code: two thirds into the lifetime, leaving a third (a minute of the default
    /// three) for the officer to scan the code on screen before it expires.
    /// </summary>
    public static DateTimeOffset RefreshAt(IssueCredentialResponse credential)
    {
        var issued = credential.IssueTime.ToDateTimeOffset();
        var expires = credential.ExpireTime.ToDateTimeOffset();
        return issued + (expires - issued) * 2 / 3;
    }
}
