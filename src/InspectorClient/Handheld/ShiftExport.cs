using System.Globalization;

namespace ELicense.Inspector.Handheld;

/// <summary>Writes the shift history as CSV, for the officer's report at the end of a shift.</summary>
public sealed class ShiftExport(HandheldContext context, Func<string, string?> getVariable)
{
    /// <summary>Asks for a file name (empty: the default) and exports there; the footer says where, or why not.</summary>
    public async Task ExportAsync(AskAsync ask, CancellationToken cancellationToken)
    {
        var path = await ask(context.Text.ExportPrompt, cancellationToken);
        try
        {
            context.Say(context.Text.Exported(Export(path)), Tone.Green);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            context.Say($"{context.Text.Error}: {e.Message}", Tone.Red);
        }
    }

    /// <summary>Writes the history to <paramref name="path"/> (default: a dated file in the export directory); returns the full path.</summary>
    public string Export(string? path)
    {
        var options = context.Options;
        var time = context.Time;
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), time.LocalTimeZone);
        var target = string.IsNullOrWhiteSpace(path)
            ? Path.Combine(options.ExportDirectory, string.Create(CultureInfo.InvariantCulture, $"shift-{options.DeviceId}-{local:yyyyMMdd-HHmmss}.csv"))
            : EntryParser.UnquotePath(path, getVariable);
        ShiftCsv.Write(target, context.State.History, options.Officer, options.DeviceId, time.LocalTimeZone);
        return Path.GetFullPath(target);
    }
}
