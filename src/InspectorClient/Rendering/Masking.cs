using ELicense.Core.Masking;

namespace ELicense.Inspector.Rendering;

/// <summary>Masks sensitive identifiers for display, by the server's rule (Core's <see cref="Masks"/>).</summary>
public static class Masking
{
    /// <summary>
    /// Masks a resident identity number (also the licence number): the first 6 and last 4 characters
    /// stay, the middle becomes 8 asterisks, e.g. <c>110101********1234</c>. A value that is not 18
    /// characters long is masked entirely, as the server masks it.
    /// </summary>
    public static string MaskIdentityNumber(string? value) => Masks.IdentityNumber(value);
}
