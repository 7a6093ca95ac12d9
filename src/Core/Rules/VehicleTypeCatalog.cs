using System.Collections.Frozen;

namespace ELicense.Core.Rules;

/// <summary>
/// The vehicle types a deployment recognises and the licence class each needs. The default is the
/// embedded <c>VehicleTypes.txt</c>; <see cref="Load"/> and <see cref="Parse"/> read a replacement of the
/// same format, because the table is recalled, not confirmed, and the authorities may change it (see that
/// file's header). The server loads one with the setting <c>Registry:VehicleTypesPath</c> and checks vehicle
/// writes against it; what still reads the default (a re-registered vehicle's carried type in the registry
/// engines, the handheld's words) follows in later steps.
/// Immutable once built, so one instance is shared by every request.
/// </summary>
public sealed class VehicleTypeCatalog
{
    private const string ResourceName = "ELicense.Core.Rules.VehicleTypes.txt";

    private static readonly Lazy<VehicleTypeCatalog> DefaultCatalog = new(() =>
    {
        using var stream = typeof(VehicleTypeCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader, ResourceName);
    });

    private readonly FrozenDictionary<string, VehicleType> byCode;

    private VehicleTypeCatalog(IReadOnlyList<VehicleType> types)
    {
        All = types;
        byCode = types.ToFrozenDictionary(t => t.Code, StringComparer.Ordinal);
    }

    /// <summary>The embedded default table.</summary>
    public static VehicleTypeCatalog Default => DefaultCatalog.Value;

    /// <summary>Every type, in the table's order.</summary>
    public IReadOnlyList<VehicleType> All { get; }

    /// <summary>The type of a code (exact, upper case), or null for a code the catalogue does not know.</summary>
    public VehicleType? Find(string? code) => code is not null && byCode.TryGetValue(code, out var type) ? type : null;

    /// <summary>A catalogue of the given types, checked as <see cref="Parse"/> checks a file's rows (entry numbers from 1).</summary>
    /// <exception cref="FormatException">An invalid or repeated entry, or none.</exception>
    public static VehicleTypeCatalog Of(IEnumerable<VehicleType> types, string source = "vehicle types")
    {
        var list = types.ToList();
        var firstSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            VehicleTypeChecks.Check(list[i], $"{source} entry {i + 1}", firstSeen);
        }

        return Build(list, source);
    }

    /// <summary>Reads a catalogue file of the embedded table's format (the server's <c>Registry:VehicleTypesPath</c>).</summary>
    public static VehicleTypeCatalog Load(string path)
    {
        using var reader = File.OpenText(path);
        return Parse(reader, path);
    }

    /// <summary>
    /// Parses the table format: <c>code|zh|en|family|class|automatic class or -|large, small, motorcycle, light-motorcycle or other</c>;
    /// <c>#</c> starts a comment line, blank lines are skipped. Every error names <c>source:line</c>.
    /// </summary>
    /// <exception cref="FormatException">A malformed or repeated row, or no row at all.</exception>
    public static VehicleTypeCatalog Parse(TextReader reader, string source = "vehicle types")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var types = new List<VehicleType>();
        var firstSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var where = $"{source}:{lineNumber}";
            var f = line.Split('|', StringSplitOptions.TrimEntries);
            if (f.Length != 7)
            {
                throw new FormatException($"{where}: expected 7 fields code|zh|en|family|class|automatic class or -|large, small, motorcycle, light-motorcycle or other, found {f.Length}.");
            }

            var plate = ParsePlateSize(f[6])
                ?? throw new FormatException($"{where}: plate size '{f[6]}' of {f[0]} is not one of large, small, motorcycle, light-motorcycle, other.");
            var type = new VehicleType(f[0], f[1], f[2], f[3], f[4], f[5] == "-" ? null : f[5], plate);
            VehicleTypeChecks.Check(type, where, firstSeen);
            types.Add(type);
        }

        return Build(types, source);
    }

    /// <summary>One upper-case letter and one or two digits, the shape of a GA 802 code (K33, H11, D11).</summary>
    public static bool IsWellFormedCode(string? code) =>
        code is { Length: 2 or 3 } && char.IsAsciiLetterUpper(code[0]) && code.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    // Only the five names: Enum.TryParse would also take "1", "Large, Other" and any defined number.
    private static PlateSize? ParsePlateSize(string text) => text.ToLowerInvariant() switch
    {
        "large" => PlateSize.Large,
        "small" => PlateSize.Small,
        "motorcycle" => PlateSize.Motorcycle,
        "light-motorcycle" => PlateSize.LightMotorcycle,
        "other" => PlateSize.Other,
        _ => null,
    };

    private static VehicleTypeCatalog Build(List<VehicleType> types, string source) => types.Count == 0
        ? throw new FormatException($"{source}: a vehicle type catalogue needs at least one type.")
        : new VehicleTypeCatalog(types);
}
