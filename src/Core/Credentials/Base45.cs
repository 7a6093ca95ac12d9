namespace ELicense.Core.Credentials;

/// <summary>
/// Base45 (RFC 9285), the encoding the EU digital COVID certificate uses because it fits the QR
/// alphanumeric mode. Written here rather than taken from a package: the only NuGet package is a
/// one-person project, and the decoder sits on the hot path, where it must be strict (reject every
/// non-canonical input) and allocation-free.
/// </summary>
public static class Base45
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private static readonly sbyte[] Values = BuildValues();

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }

    /// <summary>The number of characters that encode <paramref name="byteCount"/> bytes.</summary>
    public static int GetEncodedLength(int byteCount) => byteCount / 2 * 3 + byteCount % 2 * 2;

    /// <summary>The largest number of bytes <paramref name="charCount"/> characters can decode to.</summary>
    public static int GetMaxDecodedLength(int charCount) => charCount / 3 * 2 + (charCount % 3 == 2 ? 1 : 0);

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[GetEncodedLength(data.Length)];
        var o = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            var n = data[i] * 256 + data[i + 1];
            chars[o++] = Alphabet[n % 45];
            chars[o++] = Alphabet[n / 45 % 45];
            chars[o++] = Alphabet[n / 2025];
        }

        if (i < data.Length)
        {
            chars[o++] = Alphabet[data[i] % 45];
            chars[o] = Alphabet[data[i] / 45];
        }

        return new string(chars);
    }

    /// <summary>
    /// Decodes into <paramref name="destination"/>. False for a character outside the alphabet, a
    /// dangling single character, or a group whose value does not fit (over 65535, or 255 for a pair).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (text.Length % 3 == 1 || destination.Length < GetMaxDecodedLength(text.Length))
        {
            return false;
        }

        var o = 0;
        var i = 0;
        for (; i + 2 < text.Length; i += 3)
        {
            int c = Value(text[i]), d = Value(text[i + 1]), e = Value(text[i + 2]);
            if ((c | d | e) < 0)
            {
                return false;
            }

            var n = c + d * 45 + e * 2025;
            if (n > 0xFFFF)
            {
                return false;
            }

            destination[o++] = (byte)(n >> 8);
            destination[o++] = (byte)n;
        }

        if (i < text.Length)
        {
            int c = Value(text[i]), d = Value(text[i + 1]);
            if ((c | d) < 0 || c + d * 45 > 0xFF)
            {
                return false;
            }

            destination[o++] = (byte)(c + d * 45);
        }

        bytesWritten = o;
        return true;
    }

    private static int Value(char c) => c < 128 ? Values[c] : -1;
}
