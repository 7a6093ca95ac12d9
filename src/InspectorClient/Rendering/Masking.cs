namespace ELicense.Inspector.Rendering;

/// <summary>Masks sensitive identifiers for display.</summary>
public static class Masking
{
    private const int KeepStart = 6;
    private const int KeepEnd = 4;
    private const int MaskLength = 8;

    /// <summary>
    /// Masks a resident identity number (also the licence number): the first 6 and last 4 characters
    /// stay, the middle becomes 8 asterisks, e.g. <c>110101********1234</c>. Values too short to keep
    /// both ends are masked entirely.
    /// </summary>
    public static string MaskIdentityNumber(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.Length <= KeepStart + KeepEnd)
        {
            return new string('*', value.Length);
        }

        return string.Concat(value.AsSpan(0, KeepStart), new string('*', MaskLength), value.AsSpan(value.Length - KeepEnd));
    }
}
