using System.Text;

namespace ELicense.Inspector.Handheld;

/// <summary>Stable English codes of the contract's enums for CSV: VerdictLicenseNotValid → LICENSE_NOT_VALID.</summary>
public static class Codes
{
    /// <summary>The enum value's name in UPPER_SNAKE_CASE.</summary>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }
}
