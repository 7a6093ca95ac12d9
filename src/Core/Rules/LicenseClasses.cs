namespace ELicense.Core.Rules;

/// <summary>Permitted-vehicle classes (准驾车型) and what each one includes.</summary>
public static class LicenseClasses
{
    /// <summary>Every class code, longest first where one is a prefix of another is impossible here.</summary>
    public static readonly IReadOnlyList<string> All =
        ["A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P"];

    private static readonly Dictionary<string, string[]> Includes = new(StringComparer.Ordinal)
    {
        ["A1"] = ["A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"],
        ["A2"] = ["B1", "B2", "C1", "C2", "C3", "C4", "C6", "M"],
        ["A3"] = ["C1", "C2", "C3", "C4"],
        ["B1"] = ["C1", "C2", "C3", "C4", "M"],
        ["B2"] = ["C1", "C2", "C3", "C4", "M"],
        ["C1"] = ["C2", "C3", "C4"],
        ["C3"] = ["C4"],
        ["D"] = ["E", "F"],
        ["E"] = ["F"],
    };

    /// <summary>
    /// Splits a class string such as "A2D" or "C1E" into its codes. False for an empty string, an
    /// unknown code, or a code given twice.
    /// </summary>
    public static bool TryParse(string? value, out IReadOnlyList<string> codes)
    {
        var result = new List<string>(2);
        codes = result;
        if (string.IsNullOrEmpty(value) || value.Length > 12)
        {
            return false;
        }

        var i = 0;
        while (i < value.Length)
        {
            string? code = null;
            if (i + 1 < value.Length && char.IsAsciiDigit(value[i + 1]))
            {
                code = value.Substring(i, 2);
            }
            else
            {
                code = value.Substring(i, 1);
            }

            if (!All.Contains(code) || result.Contains(code))
            {
                return false;
            }

            result.Add(code);
            i += code.Length;
        }

        return true;
    }

    /// <summary>All classes a class string entitles its holder to drive, the named ones included.</summary>
    public static IReadOnlySet<string> Entitled(string licenseClass)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (TryParse(licenseClass, out var codes))
        {
            foreach (var code in codes)
            {
                set.Add(code);
                if (Includes.TryGetValue(code, out var lower))
                {
                    set.UnionWith(lower);
                }
            }
        }

        return set;
    }
}
