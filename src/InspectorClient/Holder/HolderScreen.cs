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

    /// <summary>The shortest wait between two codes, whatever lifetime the server states.</summary>
    public static readonly TimeSpan MinRefresh = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after receiving a code to show the next: two thirds of its lifetime, leaving a third (a
    /// minute of the default three) for the officer to scan the code on screen before it expires. Only
    /// the lifetime is taken from the server's timestamps: measured against this device's clock, they
    /// would make a clock running fast ask for codes without pause, and a slow one show expired codes.
    /// </summary>
    public static TimeSpan RefreshAfter(IssueCredentialResponse credential)
    {
        var lifetime = credential.ExpireTime.ToDateTimeOffset() - credential.IssueTime.ToDateTimeOffset();
        var wait = lifetime * 2 / 3;
        return wait > MinRefresh ? wait : MinRefresh;
    }
}
