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
}
