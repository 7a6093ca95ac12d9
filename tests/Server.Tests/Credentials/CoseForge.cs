using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.Core.Credentials;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// COSE messages built by hand behind any document's prefix, so that the licence and the mark tests hold
/// exactly the bytes a forger would send, from one set of helpers.
/// </summary>
internal static class CoseForge
{
    /// <summary>A COSE_Sign1 over <paramref name="content"/> as the issuer writes it (tag, kid, low-S), with any key and hash.</summary>
    public static string Sign(ECDsa key, HashAlgorithmName hash, byte[] keyId, byte[] content, string prefix)
    {
        var headers = new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(keyId) } };
        var cose = CoseSign1Message.SignEmbedded(content, new CoseSigner(key, hash, headers));
        EcdsaLowS.Normalize(cose.AsSpan(cose.Length - 2 * EcdsaLowS.ScalarLength)); // low-S, as the issuer writes it (P-256 keys only here)

        return prefix + Base45.Encode(cose);
    }

    /// <summary>A tagged COSE_Sign1 whose protected header holds <paramref name="algorithm"/> (none when null) and the kid.</summary>
    public static string RawSign1(int? algorithm, byte[] keyId, byte[] content, byte[] signature, string prefix)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(algorithm is null ? 1 : 2);
        if (algorithm is not null)
        {
            writer.WriteInt32(1);
            writer.WriteInt32(algorithm.Value);
        }

        writer.WriteInt32(4);
        writer.WriteByteString(keyId);
        writer.WriteEndMap();
        return RawSign1Protected(writer.Encode(), content, signature, prefix);
    }

    /// <summary>A tagged COSE_Sign1 of exactly these protected-header bytes, an empty unprotected header, content and signature.</summary>
    public static string RawSign1Protected(byte[] protectedHeader, byte[] content, byte[] signature, string prefix)
    {
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(content);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return prefix + Base45.Encode(writer.Encode());
    }

    /// <summary>A protected header of a text algorithm "none" and the kid: the JOSE attack in COSE clothes.</summary>
    public static byte[] AlgorithmNoneHeader(byte[] keyId)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(2);
        writer.WriteInt32(1);
        writer.WriteTextString("none");
        writer.WriteInt32(4);
        writer.WriteByteString(keyId);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>The COSE bytes behind <paramref name="prefix"/>.</summary>
    public static byte[] DecodeCose(string payload, string prefix)
    {
        Assert.StartsWith(prefix, payload, StringComparison.Ordinal);
        var text = payload[prefix.Length..];
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var written));
        return buffer[..written];
    }

    /// <summary>The same bytes behind another prefix (or the same), Base45 again.</summary>
    public static string Encode(ReadOnlySpan<byte> cose, string prefix) => prefix + Base45.Encode(cose);

    /// <summary>The signed content (the claim set) of a credential.</summary>
    public static byte[] Content(string payload, string prefix) =>
        CoseMessage.DecodeSign1(DecodeCose(payload, prefix)).Content!.Value.ToArray();

    /// <summary>The high-S twin (r, n − s) of a credential: the same message, a second valid ECDSA signature.</summary>
    public static string HighSTwin(string payload, string prefix)
    {
        var cose = DecodeCose(payload, prefix);
        EcdsaLowS.Twin(cose.AsSpan(cose.Length - 2 * EcdsaLowS.ScalarLength));
        return Encode(cose, prefix);
    }

    /// <summary>
    /// A COSE_Sign1 honestly signed (ES256, low-S) over a protected header holding only the kid, with the
    /// algorithm in the unprotected header, which nothing signs.
    /// </summary>
    public static byte[] SignWithUnprotectedAlgorithm(ECDsa key, byte[] keyId, byte[] content)
    {
        var header = new CborWriter();
        header.WriteStartMap(1);
        header.WriteInt32(4);
        header.WriteByteString(keyId);
        header.WriteEndMap();
        var protectedHeader = header.Encode();
        var toBeSigned = new CborWriter(); // Sig_structure (RFC 9052 4.4)
        toBeSigned.WriteStartArray(4);
        toBeSigned.WriteTextString("Signature1");
        toBeSigned.WriteByteString(protectedHeader);
        toBeSigned.WriteByteString([]);
        toBeSigned.WriteByteString(content);
        toBeSigned.WriteEndArray();
        var signature = key.SignData(toBeSigned.Encode(), HashAlgorithmName.SHA256);
        EcdsaLowS.Normalize(signature);
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteStartMap(1);
        writer.WriteInt32(1);
        writer.WriteInt32(CredentialDecoder<CredentialClaims>.Es256);
        writer.WriteEndMap();
        writer.WriteByteString(content);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>Every proper prefix of <paramref name="payload"/> (the QR scanned short) is a verdict, never Genuine.</summary>
    public static void AssertNoTruncationGenuine(string payload, Func<string, CredentialStatus> verify)
    {
        for (var length = 0; length < payload.Length; length++)
        {
            Assert.NotEqual(CredentialStatus.Genuine, verify(payload[..length]));
        }
    }
}
