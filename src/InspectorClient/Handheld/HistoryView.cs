using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>The shift history, newest first, as many rows as fit.</summary>
public static class HistoryView
{
    /// <summary>The table of the last <paramref name="rows"/> checks.</summary>
    public static IRenderable Build(IReadOnlyList<HistoryEntry> history, int rows, UiText text, TimeProvider time)
    {
        if (history.Count == 0)
        {
            return new Markup($"[grey]{Markup.Escape(text.NoHistory)}[/]");
        }

        var table = new Table().Border(TableBorder.None).Expand()
            .AddColumn(Column(text.Time).NoWrap())
            .AddColumn(Column(text.Check))
            .AddColumn(Column(text.Subject).NoWrap())
            .AddColumn(Column(text.Result))
            .AddColumn(Column(text.Mode));
        foreach (var entry in history.Reverse().Take(Math.Max(1, rows)))
        {
            table.AddRow(
                Markup.Escape(Verdicts.LocalTime(entry.At, time)),
                Markup.Escape(entry.Kind.Describe(text)),
                Markup.Escape(Shorten(entry.Subject)),
                $"[{Colour(entry.Tone)}]{Markup.Escape(entry.Result)}[/]",
                ModeMarkup(entry, text));
        }

        return table;
    }

    /// <summary>
    /// A masked licence number shortened for the narrow history column: 330106…7190; a roadside pair's subject
    /// (the number, the plate and its type) as 330106…7190 京A12345 (the export keeps the whole subject).
    /// </summary>
    public static string Shorten(string subject) =>
        subject.Length > 19 && subject[18] == ' ' ? $"{Shorten(subject[..18])} {subject[19..].Split(' ')[0]}"
        : subject.Length == 18 && subject.Contains('*', StringComparison.Ordinal) ? $"{subject[..6]}…{subject[^4..]}"
        : subject;

    private static TableColumn Column(string header) => new TableColumn($"[bold grey]{Markup.Escape(header)}[/]").PadLeft(0).PadRight(1);

    /// <summary>online / offline, and where an offline check stands with the server.</summary>
    public static string ModeMarkup(HistoryEntry entry, UiText text)
    {
        if (!entry.Offline)
        {
            return Markup.Escape(text.ModeOnline);
        }

        var sync = entry.Sync switch
        {
            SyncState.Pending => $" [{Palette.Amber}]{Markup.Escape(text.SyncPending)}[/]",
            SyncState.Confirmed => $" [{Palette.Green}]{Markup.Escape(text.SyncConfirmed)}[/]",
            SyncState.Differs => $" [bold {Palette.Red}]{Markup.Escape(text.SyncDiffers)}[/]",
            _ => string.Empty,
        };
        return $"[{Palette.Amber}]{Markup.Escape(text.ModeOffline)}[/]{sync}";
    }

    /// <summary>A tone as a markup colour.</summary>
    public static string Colour(Tone tone) => tone switch
    {
        Tone.Green => Palette.Green,
        Tone.Red => Palette.Red,
        Tone.Amber => Palette.Amber,
        _ => "grey",
    };
}
