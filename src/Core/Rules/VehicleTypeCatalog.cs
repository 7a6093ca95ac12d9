using System.Collections.Frozen;

namespace ELicense.Core.Rules;

/// <summary>
/// The vehicle types a deployment recognises and the licence class each needs. The default is the
/// embedded <c>VehicleTypes.txt</c>; <see cref="Load"/> reads a replacement of the same format, because
/// the table is recalled, not confirmed, and the authorities may change it (see that file's header).
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

    /// <summary>A catalogue of the given types. Throws <see cref="FormatException"/> on an invalid or repeated entry.</summary>
    public static VehicleTypeCatalog Of(IEnumerable<VehicleType> types)
    {
        var list = types.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in list)
        {
            if (!IsWellFormedCode(type.Code) || !seen.Add(type.Code))
            {
                throw new FormatException($"Vehicle type code '{type.Code}' is malformed or repeated.");
            }

            if (!LicenseClasses.All.Contains(type.RequiredClass)
                || (type.AutomaticClass is not null && !LicenseClasses.All.Contains(type.AutomaticClass)))
            {
                throw new FormatException($"Vehicle type {type.Code} names an unknown licence class.");
            }

            if (string.IsNullOrWhiteSpace(type.NameZh) || string.IsNullOrWhiteSpace(type.NameEn))
            {
                throw new FormatException($"Vehicle type {type.Code} needs a Chinese and an English name.");
            }
        }

        return list.Count == 0 ? throw new FormatException("A vehicle type catalogue needs at least one type.") : new VehicleTypeCatalog(list);
    }

    /// <summary>Reads a catalogue file of the embedded table's format.</summary>
    public static VehicleTypeCatalog Load(string path)
    {
        using var reader = File.OpenText(path);
        return Parse(reader, path);
    }

    /// <summary>Parses the table format: <c>code|zh|en|family|class|automatic class or -|large, small or other</c>; <c>#</c> starts a comment line.</summary>
    public static VehicleTypeCatalog Parse(TextReader reader, string source = "vehicle types")
    {
        var types = new List<VehicleType>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var f = line.Split('|', StringSplitOptions.TrimEntries);
            if (f.Length != 7 || !Enum.TryParse<PlateSize>(f[6], ignoreCase: true, out var plate) || !Enum.IsDefined(plate))
            {
                throw new FormatException($"{source}:{lineNumber}: expected code|zh|en|family|class|automatic class or -|large, small or other.");
            }

            types.Add(new VehicleType(f[0], f[1], f[2], f[3], f[4], f[5] == "-" ? null : f[5], plate));
        }

        return Of(types);
    }

    /// <summary>One upper-case letter and one or two digits, the shape of a GA 802 code (K33, H11, D11).</summary>
    public static bool IsWellFormedCode(string? code) =>
        code is { Length: 2 or 3 } && char.IsAsciiLetterUpper(code[0]) && code.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}
