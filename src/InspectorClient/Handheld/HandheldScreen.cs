using System.Globalization;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;
using ELicense.Client.Rendering;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The full screen: a header (officer, device, online state and round-trip time, key cache, queue), the
/// last result beside the shift history (stacked on a narrow screen), and a footer with the keys and the
/// last message. The prompt goes on the line below.
/// </summary>
public static class HandheldScreen
{
    /// <summary>At this width and above, the history stands beside the result.</summary>
    public const int SideBySideWidth = 110;

    /// <summary>At this width and above, the header has room for the console's title.</summary>
    public const int TitleWidth = 130;

    private const int HeaderRows = 3;
    private const int FooterRows = 4;

    // Through a pipe each screen follows the last: the recent checks are enough.
    private const int FlowingHistoryRows = 5;

    /// <summary>
    /// The screen for a console <paramref name="width"/> by <paramref name="height"/> (without the prompt line).
    /// Not <paramref name="fullScreen"/> (output to a pipe or a file), the parts follow each other at their
    /// natural heights instead of filling a fixed screen.
    /// </summary>
    public static IRenderable Build(HandheldState state, UiText text, TimeProvider time, int width, int height, bool fullScreen = true)
    {
        var headerMarkup = HeaderMarkup(state, text, time, withTitle: width >= TitleWidth);
        var header = new Panel(new Markup(headerMarkup)).Border(BoxBorder.Heavy).Expand();
        var result = new Panel(new NaturalHeight(ResultContent(state, text, time))).Header(Markup.Escape(text.ResultTitle)).Border(BoxBorder.Rounded).Expand();
        var footer = new Panel(new Rows(new Markup(KeysMarkup(text)), new Markup(MessageMarkup(state)))).Border(BoxBorder.Rounded).Expand();
        if (!fullScreen)
        {
            var recent = new Panel(HistoryView.Build(state.History, FlowingHistoryRows, text, time))
                .Header(Markup.Escape(text.HistoryTitle)).Border(BoxBorder.Rounded).Expand();
            return new Rows(header, result, recent, footer);
        }

        // The header takes a second line when its text does not fit in one (a narrow screen, long names).
        var headerRows = Cells(Markup.Remove(headerMarkup)) + 4 <= width ? HeaderRows : HeaderRows + 1;
        var bodyRows = Math.Max(6, height - headerRows - FooterRows);
        var sideBySide = width >= SideBySideWidth;
        var historyRows = sideBySide ? bodyRows - 6 : Math.Max(1, bodyRows / 3 - 5);
        var history = new Panel(new NaturalHeight(HistoryView.Build(state.History, historyRows, text, time)))
            .Header(Markup.Escape(text.HistoryTitle)).Border(BoxBorder.Rounded).Expand();
        var body = sideBySide
            ? new Layout("body").SplitColumns(new Layout("result", result).Ratio(5), new Layout("history", history).Ratio(4))
            : new Layout("body").SplitRows(new Layout("result", result).Ratio(2), new Layout("history", history).Ratio(1));
        var root = new Layout("root").SplitRows(
            new Layout("header", header).Size(headerRows),
            body,
            new Layout("footer", footer).Size(FooterRows));
        return new FixedHeight(root, Math.Max(headerRows + FooterRows + 6, height));
    }

    /// <summary>The header line: who, which device, the connection and its round-trip time, keys, queue (the title only when there is room).</summary>
    public static string HeaderMarkup(HandheldState state, UiText text, TimeProvider time, bool withTitle = true)
    {
        var connection = state.Connection switch
        {
            ConnectionState.Online => $"[bold {Palette.Green}]● {Markup.Escape(text.Online)}[/]",
            ConnectionState.Offline => $"[bold {Palette.Red}]● {Markup.Escape(text.Offline)}[/]",
            ConnectionState.ForcedOffline => $"[bold {Palette.Amber}]● {Markup.Escape(text.OfflineForced)}[/]",
            _ => $"[grey]● {Markup.Escape(text.Connecting)}[/]",
        };
        if (state.Connection == ConnectionState.Online && state.RoundTrip is { } rtt)
        {
            connection += string.Create(CultureInfo.InvariantCulture, $" {Markup.Escape(text.RoundTrip)} {rtt.TotalMilliseconds:0} ms");
        }

        var keys = state.KeysFetchedAt is { } fetched
            ? KeysAgeMarkup(fetched, text, time)
            : $"[{Palette.Amber}]{Markup.Escape(text.NoKeysCached)}[/]";
        var queued = state.Queued > 0
            ? $"[bold {Palette.Amber}]{Markup.Escape(text.Queued)} {state.Queued.ToString(CultureInfo.InvariantCulture)}[/]"
            : $"{Markup.Escape(text.Queued)} 0";
        var title = withTitle ? $"[bold]{Markup.Escape(text.AppTitle)}[/] │ " : string.Empty;
        return $"{title}{Markup.Escape(text.Officer)} [bold]{Markup.Escape(state.Officer)}[/] │ " +
            $"{Markup.Escape(text.Device)} [bold]{Markup.Escape(state.DeviceId)}[/] │ {connection} │ {keys} │ {queued}";
    }

    /// <summary>
    /// When the cached keys were fetched: the time when it was today, else the date in amber — a key the
    /// issuer has withdrawn since still verifies offline until the cache is refreshed.
    /// </summary>
    private static string KeysAgeMarkup(DateTimeOffset fetched, UiText text, TimeProvider time)
    {
        var local = TimeZoneInfo.ConvertTime(fetched, time.LocalTimeZone);
        var today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), time.LocalTimeZone).Date;
        return local.Date == today
            ? $"{Markup.Escape(text.KeysFetched)} {Markup.Escape(local.ToString("HH:mm:ss", CultureInfo.InvariantCulture))}"
            : $"[{Palette.Amber}]{Markup.Escape(text.KeysFetched)} {Markup.Escape(local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}[/]";
    }

    /// <summary>The keys of the one-key actions.</summary>
    public static string KeysMarkup(UiText text)
    {
        string[] names = [text.KeyVehicle, text.KeyViolations, text.KeyTransfer, text.KeyNewScan, text.KeySync, text.KeyExport, text.KeyQuit];
        return string.Join("  ", Hotkeys.Table.Select((k, i) => $"[bold black on grey] {k.Key} [/] {Markup.Escape(names[i])}"));
    }

    /// <summary>The prompt's markup.</summary>
    public static string PromptMarkup(string label) => $"[bold]{Markup.Escape(label)}[/] [grey]▸[/] ";

    private static Rows ResultContent(HandheldState state, UiText text, TimeProvider time)
    {
        var items = new List<IRenderable>();
        if (state.Roadside is { } roadside)
        {
            items.Add(RoadsideCardView.Build(roadside, text, time, compact: state.Detail is not null));
        }
        else if (state.Current is { } current)
        {
            items.Add(ResultCardView.Build(current, text, time, compact: state.Detail is not null));
        }
        else if (state.Mark is { } mark)
        {
            items.Add(MarkCardView.Build(mark, text, time, compact: state.Detail is not null));
        }

        // Half a pair: say what completes it.
        if (state.Detail is null && state.Pending is { } pending)
        {
            items.Add(ResultCardView.Line("➜ " + (pending is PendingPart.Licence ? text.ScanMarkHint : text.ScanLicenceHint), "bold"));
        }

        if (state.Detail is { } detail)
        {
            items.Add(DetailViews.Build(detail, text, time));
        }

        if (items.Count == 0)
        {
            items.Add(new Markup($"[grey]{Markup.Escape(text.NothingYet)}[/]"));
        }

        return new Rows(items);
    }

    private static int Cells(string text) => text.Sum(KeyPromptInput.CellWidth);

    private static string MessageMarkup(HandheldState state) =>
        state.Message is { } message ? $"[{HistoryView.Colour(message.Tone)}]{Markup.Escape(message.Text)}[/]" : " ";
}
