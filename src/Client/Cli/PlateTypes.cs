using System.Diagnostics.CodeAnalysis;
using ELicense.V1;

namespace ELicense.Client.Cli;

/// <summary>Parses the plate type given on the command line.</summary>
public static class PlateTypes
{
    /// <summary>The accepted spellings, for help and error texts.</summary>
    public const string Accepted = "01|02|07|08|51|52 or large|small|motorcycle|light-motorcycle|large-ne|small-ne";

    /// <summary>Parses a code of <see cref="Accepted"/> or its name (case-insensitive).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PlateType? plateType)
    {
        plateType = text?.Trim().ToUpperInvariant() switch
        {
            "01" or "1" or "LARGE" => PlateType.Large,
            "02" or "2" or "SMALL" => PlateType.Small,
            "07" or "7" or "MOTORCYCLE" => PlateType.Motorcycle,
            "08" or "8" or "LIGHT-MOTORCYCLE" or "LIGHT_MOTORCYCLE" => PlateType.LightMotorcycle,
            "51" or "LARGE-NE" or "LARGE_NE" => PlateType.LargeNewEnergy,
            "52" or "SMALL-NE" or "SMALL_NE" => PlateType.SmallNewEnergy,
            _ => null,
        };
        return plateType is not null;
    }

    /// <summary>The two-digit code and English name, e.g. "02 small".</summary>
    public static string Describe(PlateType type) => type switch
    {
        PlateType.Large => "01 large",
        PlateType.Small => "02 small",
        PlateType.Motorcycle => "07 motorcycle",
        PlateType.LightMotorcycle => "08 light motorcycle",
        PlateType.LargeNewEnergy => "51 large new-energy",
        PlateType.SmallNewEnergy => "52 small new-energy",
        _ => "unspecified",
    };
}
