namespace ELicense.Core.Identifiers;

/// <summary>Vehicle identification number (ISO 3779) with the check digit GB 16735 requires.</summary>
public static class Vin
{
    public const int Length = 17;

    private static ReadOnlySpan<int> Weights => [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>The transliterated value of a VIN character, or -1 for a character a VIN cannot hold.</summary>
    private static int Transliterate(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        'A' or 'J' => 1,
        'B' or 'K' or 'S' => 2,
        'C' or 'L' or 'T' => 3,
        'D' or 'M' or 'U' => 4,
        'E' or 'N' or 'V' => 5,
        'F' or 'W' => 6,
        'G' or 'P' or 'X' => 7,
        'H' or 'Y' => 8,
        'R' or 'Z' => 9,
        _ => -1, // I, O, Q, lower case and everything else
    };

    /// <summary>
    /// The check digit (position 9) for a 17-character VIN, ignoring what position 9 holds now;
    /// null when any character is not allowed.
    /// </summary>
    public static char? ComputeCheckDigit(ReadOnlySpan<char> vin)
    {
        if (vin.Length != Length)
        {
            return null;
        }

        var sum = 0;
        for (var i = 0; i < Length; i++)
        {
            var value = i == 8 ? 0 : Transliterate(vin[i]);
            if (value < 0)
            {
                return null;
            }

            sum += value * Weights[i];
        }

        var remainder = sum % 11;
        return remainder == 10 ? 'X' : (char)('0' + remainder);
    }

    /// <summary>True for 17 allowed characters with the right check digit.</summary>
    public static bool IsValid(ReadOnlySpan<char> vin) =>
        vin.Length == Length && (vin[8] is (>= '0' and <= '9') or 'X') && ComputeCheckDigit(vin) == vin[8];
}
