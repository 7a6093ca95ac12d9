using System.Text;
using ELicense.Server.Credentials;
using Xunit;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

public class Base45Tests
{
    // Test vectors from RFC 9285, section 4.
    [Theory]
    [InlineData("AB", "BB8")]
    [InlineData("Hello!!", "%69 VD92EX0")]
    [InlineData("base-45", "UJCLQE7W581")]
    [InlineData("ietf!", "QED8WEX0")]
    [InlineData("", "")]
    public void Encode_RfcVectors_MatchRfc(string text, string expected)
    {
        Assert.Equal(expected, Base45.Encode(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("QED8WEX0", "ietf!")]
    [InlineData("%69 VD92EX0", "Hello!!")]
    public void TryDecode_RfcVectors_MatchRfc(string encoded, string expected)
    {
        var buffer = new byte[Base45.GetMaxDecodedLength(encoded.Length)];
        Assert.True(Base45.TryDecode(encoded, buffer, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer, 0, written));
    }

    [Theory]
    [InlineData("GGW")]      // 65536 + ...: a triple above 0xFFFF (RFC 9285 section 6)
    [InlineData("ZZZ")]      // 44 + 44*45 + 44*2025 = 91124 > 65535
    [InlineData("A")]        // a dangling single character
    [InlineData("ab")]       // lower case is outside the alphabet
    [InlineData("A\u00e9B")] // non-ASCII
    [InlineData(":Z")]       // a pair above 0xFF
    public void TryDecode_NonCanonicalOrForeignInput_ReturnsFalse(string encoded)
    {
        var buffer = new byte[Base45.GetMaxDecodedLength(encoded.Length) + 2];
        Assert.False(Base45.TryDecode(encoded, buffer, out _));
    }

    [Fact]
    public void TryDecode_RandomBytes_RoundTrip()
    {
        var random = new Random(42);
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var encoded = Base45.Encode(data);
            Assert.Equal(Base45.GetEncodedLength(length), encoded.Length);
            var buffer = new byte[Base45.GetMaxDecodedLength(encoded.Length)];
            Assert.True(Base45.TryDecode(encoded, buffer, out var written));
            Assert.Equal(data, buffer[..written]);
        }
    }
}
