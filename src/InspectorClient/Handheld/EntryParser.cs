using System.Text.RegularExpressions;
using ELicense.Inspector.Localization;
using ELicense.Inspector.Offline;
using ELicense.V1;
using ELicense.Core.Credentials;
using ELicense.Core.Identifiers;
using ELicense.Client.Cli;

namespace ELicense.Inspector.Handheld;

/// <summary>What a line at the scan prompt is.</summary>
public abstract record Entry
{
    /// <summary>Scanned or pasted QR text.</summary>
    public sealed record Scan(string Payload) : Entry;

    /// <summary>A scanned inspection mark ("EVM1:…").</summary>
    public sealed record MarkScan(string Payload) : Entry;

    /// <summary>A photo or screenshot of a QR code.</summary>
    public sealed record Image(string Path) : Entry;

    /// <summary>A path that names no file.</summary>
    public sealed record MissingFile(string Path) : Entry;

    /// <summary>A licence number typed by hand, with the purpose when given after it.</summary>
    public sealed record LicenceNumber(string Number, LookupPurpose? Purpose) : Entry;

    /// <summary>A plate typed by hand.</summary>
    public sealed record PlateNumber(Plate Plate) : Entry;

    /// <summary>An empty line.</summary>
    public sealed record Empty : Entry;

    /// <summary>Anything else.</summary>
    public sealed record Unrecognised(string Text) : Entry;
}

/// <summary>
/// Tells scans, image paths, licence numbers and plates apart. A scan is recognised by its prefix alone,
/// so a scanner's line needs no extra key; the rest are typed by hand.
/// </summary>
public static partial class EntryParser
{
    /// <summary>
    /// Reads one line of the scan prompt; <paramref name="scanPrefix"/> and <paramref name="markPrefix"/> are the
    /// licence and mark prefixes the server published (<see cref="ScanLimits"/>).
    /// </summary>
    public static Entry Parse(
        string line, string scanPrefix, Func<string, string?> getVariable, Func<string, bool> fileExists, string markPrefix = CredentialPolicy.MarkPrefix)
    {
        // A scanner may send a leading space or a terminal a stray CR; inside the payload spaces are Base45.
        var start = line.IndexOf(scanPrefix, StringComparison.Ordinal);
        if (start >= 0 && string.IsNullOrWhiteSpace(line[..start]))
        {
            return new Entry.Scan(line[start..].TrimEnd('\r', '\n'));
        }

        var mark = line.IndexOf(markPrefix, StringComparison.Ordinal);
        if (mark >= 0 && string.IsNullOrWhiteSpace(line[..mark]))
        {
            return new Entry.MarkScan(line[mark..].TrimEnd('\r', '\n'));
        }

        var text = line.Trim();
        if (text.Length == 0)
        {
            return new Entry.Empty();
        }

        if (LicencePattern().Match(text.ToUpperInvariant()) is { Success: true } licence)
        {
            LookupPurpose? purpose = licence.Groups["purpose"].Success && Purposes.TryParse(licence.Groups["purpose"].Value, out var p) ? p : null;
            return new Entry.LicenceNumber(licence.Groups["number"].Value, purpose);
        }

        if (TryParsePlate(text, out var plate))
        {
            return new Entry.PlateNumber(plate);
        }

        var path = UnquotePath(text, getVariable);
        if (fileExists(path))
        {
            return new Entry.Image(path);
        }

        return LooksLikePath(path) ? new Entry.MissingFile(path) : new Entry.Unrecognised(text);
    }

    /// <summary>
    /// A plate, with its type after a space when given (京A12345 02, 沪AD12345 small-ne); without one, five
    /// characters after the office letter are a small vehicle (02) and six a small new-energy one (52).
    /// </summary>
    public static bool TryParsePlate(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Plate? plate)
    {
        plate = null;
        var match = PlatePattern().Match(text.Trim().ToUpperInvariant());
        if (!match.Success)
        {
            return false;
        }

        var number = match.Groups["plate"].Value;
        PlateType type;
        if (match.Groups["type"].Success)
        {
            if (!PlateTypes.TryParse(match.Groups["type"].Value, out var given))
            {
                return false;
            }

            type = given.Value;
        }
        else
        {
            type = number.Length == 7 ? PlateType.Small : PlateType.SmallNewEnergy;
        }

        plate = new Plate { Number = number, Type = type };
        return true;
    }

    /// <summary>Strips the quotes and file:// a terminal adds to a dropped file, and expands ~.</summary>
    public static string UnquotePath(string text, Func<string, string?> getVariable)
    {
        var path = text.Trim();
        if (path.Length >= 2 && (path[0] is '\'' or '"') && path[^1] == path[0])
        {
            path = path[1..^1];
        }

        if (path.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(path, UriKind.Absolute, out var uri))
        {
            path = uri.LocalPath;
        }

        return CacheDirectory.ExpandHome(path, getVariable);
    }

    private static bool LooksLikePath(string text) =>
        text.Contains('/', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal)
        || Path.GetExtension(text).ToUpperInvariant() is ".PNG" or ".JPG" or ".JPEG" or ".GIF" or ".BMP" or ".WEBP" or ".TIF" or ".TIFF";

    [GeneratedRegex(@"^(?<number>[0-9]{17}[0-9X])(\s+(?<purpose>\S+))?$")]
    private static partial Regex LicencePattern();

    // Province character, office letter, then 5 (ordinary) or 6 (new-energy) digits and letters without I and O.
    [GeneratedRegex(@"^(?<plate>[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新][A-Z][A-HJ-NP-Z0-9]{5,6})(\s+(?<type>\S+))?$")]
    private static partial Regex PlatePattern();
}
