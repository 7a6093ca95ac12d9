using ELicense.Core.Masking;

namespace ELicense.Core.Identifiers;

/// <summary>
/// The 18-character resident identity number (GB 11643), which is also the driving licence number.
/// </summary>
public static class IdentityNumber
{
    public const int Length = 18;

    private static ReadOnlySpan<int> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>The check character for the first 17 digits, or null when they are not 17 digits.</summary>
    public static char? ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
        {
            return null;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var digit = first17[i] - '0';
            if ((uint)digit > 9)
            {
                return null;
            }

            sum += digit * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>
    /// True when the value has 17 digits and the right check character (upper-case X only), and the
    /// birth date is a real calendar date.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length != Length || ComputeCheckCharacter(value[..17]) != value[17])
        {
            return false;
        }

        // The area code is not checked against a list (it changes with administrative reforms), but the
        // birth date must exist: a typo there is the commonest error that still passes the check digit
        // one time in eleven.
        var year = int.Parse(value.Slice(6, 4), provider: System.Globalization.CultureInfo.InvariantCulture);
        var month = int.Parse(value.Slice(10, 2), provider: System.Globalization.CultureInfo.InvariantCulture);
        var day = int.Parse(value.Slice(12, 2), provider: System.Globalization.CultureInfo.InvariantCulture);
        return year >= 1900 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    /// <summary>
    /// Masks all but the area prefix and the last four characters, e.g. <c>110101********1234</c>; anything
    /// not 18 characters long is masked whole. The rule itself is <see cref="Masks.IdentityNumber"/>, the one
    /// both the server and the handheld use.
    /// </summary>
    public static string Mask(string? value) => Masks.IdentityNumber(value);
}
