using System.Globalization;
using System.Text;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The shift history as CSV (RFC 4180, UTF-8 with a BOM so that spreadsheet programs read Chinese names):
/// English column names and codes whatever the console's language, masked licence numbers only.
/// </summary>
public static class ShiftCsv
{
    /// <summary>The header row.</summary>
    public const string Header = "time,officer,device,check,subject,holder,result,reasons,mode,sync,live_result";

    /// <summary>The cell of a value the server withheld for the caller's role: never an empty or default value.</summary>
    public const string Withheld = "withheld";

    /// <summary>The whole file's text, times in <paramref name="zone"/> with their offset.</summary>
    public static string Format(IEnumerable<HistoryEntry> history, string officer, string deviceId, TimeZoneInfo zone)
    {
        var builder = new StringBuilder().Append(Header).Append("\r\n");
        foreach (var entry in history)
        {
            string[] fields =
            [
                TimeZoneInfo.ConvertTime(entry.At, zone).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                officer,
                deviceId,
                entry.Kind.ToString().ToLowerInvariant(),
                entry.Subject,
                entry.Holder ?? (entry.HolderWithheld ? Withheld : string.Empty),
                entry.ResultCode,
                entry.Reasons,
                entry.Offline ? "offline" : "online",
                entry.Sync switch
                {
                    SyncState.Pending => "queued",
                    SyncState.Confirmed => "confirmed",
                    SyncState.Differs => "DIFFERS",
                    _ => string.Empty,
                },
                entry.LiveResultCode ?? string.Empty,
            ];
            builder.AppendJoin(',', fields.Select(Field)).Append("\r\n");
        }

        return builder.ToString();
    }

    /// <summary>Writes the file (UTF-8 with BOM), readable by this user only when it is created: it names holders.</summary>
    public static void Write(string path, IEnumerable<HistoryEntry> history, string officer, string deviceId, TimeZoneInfo zone)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), options);
        writer.Write(Format(history, officer, deviceId, zone));
    }

    /// <summary>
    /// One field: quoted when it holds a comma, quote or line break; a leading =, +, -, @, tab or carriage
    /// return (OWASP's list) is defused with an apostrophe so that a spreadsheet never runs a value as a formula.
    /// </summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
