using CsCheck;
using Xunit;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>Base45 properties: round trip, canonical decoding, never a throw.</summary>
public sealed partial class CredentialPropertyTests
{
    // ---------------------------------------------------------------- Base45

    [Fact]
    public void Base45_EncodeThenDecode_ReturnsTheBytes()
    {
        Run("Base45 round trip", 20_000, Gen.Byte.Array[0, 600], data =>
        {
            var encoded = Base45.Encode(data);
            Assert.Equal(Base45.GetEncodedLength(data.Length), encoded.Length);
            Assert.True(encoded.All(c => Base45Alphabet.Contains(c, StringComparison.Ordinal)), encoded);
            var buffer = new byte[Base45.GetMaxDecodedLength(encoded.Length)];
            Assert.True(Base45.TryDecode(encoded, buffer, out var written));
            Assert.Equal(data, buffer[..written]);
        });
    }

    [Fact]
    public void Base45_TryDecodeOverAlphabet_FalseOrCanonicalAndMatchesReference()
    {
        // Mostly large digits ('Z' and above) so that groups over 0xFFFF / 0xFF are common, not rare.
        var genChar = Gen.Frequency((3, Gen.Char[Base45Alphabet]), (1, Gen.Char[Base45Alphabet[^10..]]));
        Run("Base45 decode, alphabet strings", 20_000, Gen.String[genChar, 0, 300], text =>
        {
            var decoded = AssertDecodeIsCanonical(text);
            Assert.Equal(ReferenceIsValidBase45(text), decoded);
        });
    }

    [Fact]
    public void Base45_TryDecodeAnyString_FalseOrCanonicalNeverThrows()
    {
        // Any UTF-16 text (lone surrogates included), and alphabet text with foreign characters mixed in.
        var genMixed = Gen.String[Gen.Frequency((20, Gen.Char[Base45Alphabet]), (1, Gen.Char)), 0, 300];
        Run("Base45 decode, any strings", 20_000, Gen.OneOf(Gen.String, genMixed), text =>
        {
            var decoded = AssertDecodeIsCanonical(text);
            Assert.Equal(ReferenceIsValidBase45(text), decoded);
        });
    }

    /// <summary>Decodes <paramref name="text"/>; when it decodes, the bytes must re-encode to the same text.</summary>
    private static bool AssertDecodeIsCanonical(string text)
    {
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        if (!Base45.TryDecode(text, buffer, out var written))
        {
            Assert.Equal(0, written);
            return false;
        }

        Assert.Equal(buffer.Length, written);
        Assert.Equal(text, Base45.Encode(buffer.AsSpan(0, written)));
        return true;
    }

    /// <summary>RFC 9285 validity written independently of the decoder under test.</summary>
    private static bool ReferenceIsValidBase45(string text)
    {
        if (text.Length % 3 == 1)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i += 3)
        {
            var group = text.Substring(i, Math.Min(3, text.Length - i));
            long value = 0, weight = 1;
            foreach (var c in group)
            {
                var digit = Base45Alphabet.IndexOf(c, StringComparison.Ordinal);
                if (digit < 0)
                {
                    return false;
                }

                value += digit * weight;
                weight *= 45;
            }

            if (value > (group.Length == 3 ? 0xFFFF : 0xFF))
            {
                return false;
            }
        }

        return true;
    }
}
