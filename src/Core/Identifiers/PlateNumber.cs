using ELicense.V1;

namespace ELicense.Core.Identifiers;

/// <summary>Chinese number plates: province character, issuing-office letter, then 5 or 6 characters.</summary>
public static class PlateNumber
{
    /// <summary>The 31 province-level characters that start a civilian plate.</summary>
    public const string Provinces = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新";

    private static bool IsOfficeLetter(char c) => c is >= 'A' and <= 'Z' && c is not ('I' or 'O');

    private static bool IsSerialChar(char c) => c is (>= '0' and <= '9') || IsOfficeLetter(c);

    /// <summary>
    /// True when the plate text fits its type: 5 serial characters for ordinary and motorcycle plates, 6 for
    /// new-energy plates (whose small-vehicle form starts with D or F).
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> number, PlateType type)
    {
        var serialLength = type switch
        {
            // Motorcycle plates (07, 08) carry the same text as ordinary ones; only the plate's layout differs.
            PlateType.Large or PlateType.Small or PlateType.Motorcycle or PlateType.LightMotorcycle => 5,
            PlateType.LargeNewEnergy or PlateType.SmallNewEnergy => 6,
            _ => -1,
        };
        if (serialLength < 0 || number.Length != 2 + serialLength
            || !Provinces.Contains(number[0]) || !IsOfficeLetter(number[1]))
        {
            return false;
        }

        var serial = number[2..];
        foreach (var c in serial)
        {
            if (!IsSerialChar(c))
            {
                return false;
            }
        }

        // Small new-energy plates lead with D (battery electric) or F (other new energy).
        return type != PlateType.SmallNewEnergy || serial[0] is 'D' or 'F';
    }
}
