namespace ELicense.Core.Masking;

/// <summary>
/// The one masking rule for identifiers shown to someone who may not see them whole. The server's
/// response shaping (through IdentityNumber.Mask) and the handheld's display both call it, so a value the
/// server would mask whole is never shown partly by the console.
/// </summary>
public static class Masks
{
    /// <summary>The length of a resident identity number (also the licence number).</summary>
    private const int IdentityNumberLength = 18;

    /// <summary>
    /// Masks all but the area prefix (6) and the last four characters, e.g. <c>110101********1234</c>.
    /// Anything that is not 18 characters is masked whole (at most 18 asterisks), so a malformed value
    /// never leaks either.
    /// </summary>
    public static string IdentityNumber(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.Length != IdentityNumberLength)
        {
            return new string('*', Math.Min(value.Length, IdentityNumberLength));
        }

        return string.Create(IdentityNumberLength, value, static (span, v) =>
        {
            v.AsSpan(0, 6).CopyTo(span);
            span[6..14].Fill('*');
            v.AsSpan(14, 4).CopyTo(span[14..]);
        });
    }

    /// <summary>The length of a vehicle identification number.</summary>
    private const int VinLength = 17;

    /// <summary>
    /// Masks a VIN's serial but its last character, e.g. <c>LSVAM4187C2*****4</c>: the maker, model, check
    /// digit, year and plant stay readable, so an officer can hold a mark against the plate on the
    /// windscreen, while a forwarded or printed mark does not publish the whole VIN. Anything that is not
    /// 17 characters is masked whole.
    /// </summary>
    public static string Vin(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.Length != VinLength)
        {
            return new string('*', Math.Min(value.Length, VinLength));
        }

        return string.Create(VinLength, value, static (span, v) =>
        {
            v.AsSpan(0, 11).CopyTo(span);
            span[11..16].Fill('*');
            span[16] = v[16];
        });
    }

    /// <summary>Whether <paramref name="vin"/> is the VIN <paramref name="maskedVin"/> was masked from (never for an empty or malformed mask).</summary>
    public static bool VinMatches(string? maskedVin, string? vin) =>
        !string.IsNullOrEmpty(maskedVin) && maskedVin.Length == VinLength && maskedVin[11] == '*'
        && string.Equals(Vin(vin), maskedVin, StringComparison.Ordinal);
}
