namespace ELicense.Core.Credentials;

/// <summary>
/// The low-S rule for P-256 signatures in IEEE P1363 form (r||s, 32 + 32 bytes, as COSE carries them).
/// ECDSA is malleable: if (r, s) verifies, so does (r, n − s), which would give one credential two QR
/// texts. The issuer writes only the low half (s ≤ n/2) and the one decoder (CredentialDecoder, which the
/// server and the handheld both run) refuses the high twin.
/// Everything here is public data, so plain (not constant-time) comparisons are fine.
/// </summary>
public static class EcdsaLowS
{
    /// <summary>Bytes of one P-256 scalar; the signature is twice this.</summary>
    public const int ScalarLength = 32;

    /// <summary>The order n of the P-256 base point, big-endian.</summary>
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    /// <summary>⌊n/2⌋, big-endian: the largest s the low-S rule allows.</summary>
    private static ReadOnlySpan<byte> HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
    ];

    /// <summary>
    /// True when <paramref name="signature"/> is r||s of P-256 size with s ≤ n/2. Any other length is
    /// false: it is not an ES256 signature the issuer could have written.
    /// </summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature) =>
        signature.Length == 2 * ScalarLength && signature[ScalarLength..].SequenceCompareTo(HalfOrder) <= 0;

    /// <summary>
    /// Replaces a high s by n − s in place (the twin that verifies the same message under the same key),
    /// leaving a low-S signature as it is. Returns true when it changed the signature.
    /// </summary>
    public static bool Normalize(Span<byte> signature)
    {
        CheckLength(signature);
        if (IsLowS(signature))
        {
            return false;
        }

        Twin(signature);
        return true;
    }

    /// <summary>
    /// Replaces s by n − s in place, whichever half it is in: the other signature of the same message
    /// under the same key. The issuer uses it through <see cref="Normalize"/>; tests use it to forge the twin.
    /// </summary>
    public static void Twin(Span<byte> signature)
    {
        CheckLength(signature);

        // 0 < s < n for any signature that verifies, so n − s neither underflows nor is zero.
        var s = signature[ScalarLength..];
        var borrow = 0;
        for (var i = ScalarLength - 1; i >= 0; i--)
        {
            var difference = Order[i] - s[i] - borrow;
            borrow = difference < 0 ? 1 : 0;
            s[i] = (byte)(difference + (borrow << 8));
        }
    }

    private static void CheckLength(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 2 * ScalarLength)
        {
            throw new ArgumentException($"A P-256 signature is {2 * ScalarLength} bytes, not {signature.Length}.", nameof(signature));
        }
    }
}
