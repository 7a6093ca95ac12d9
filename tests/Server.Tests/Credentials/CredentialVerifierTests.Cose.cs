using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.Server.Credentials;
using Xunit;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>Helpers that build COSE messages by hand, so that tests hold exactly the bytes a forger would send.</summary>
public partial class CredentialVerifierTests
{
    private static CredentialClaims ClaimsFor(CredentialTestKit kit)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(kit.Time.GetUtcNow().ToUnixTimeSeconds());
        var license = CredentialTestKit.SampleLicense();
        return new CredentialClaims("ELicense", now, now.AddMinutes(3), RandomNumberGenerator.GetBytes(16),
            new V1.CredentialSnapshot
            {
                LicenseNumber = license.LicenseNumber,
                HolderName = license.HolderName,
                LicenseClass = license.LicenseClass,
                Status = license.Status,
                ValidFromDate = license.ValidFromDate,
            });
    }

    private static string Sign(ECDsa key, HashAlgorithmName hash, byte[] keyId, byte[] content)
    {
        var headers = new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(keyId) } };
        var cose = CoseSign1Message.SignEmbedded(content, new CoseSigner(key, hash, headers));
        EcdsaLowS.Normalize(cose.AsSpan(cose.Length - 2 * EcdsaLowS.ScalarLength)); // low-S, as the issuer writes it (P-256 keys only here)

        return CredentialIssuer.Prefix + Base45.Encode(cose);
    }

    private static string RawSign1(int? algorithm, byte[] keyId, byte[] content, byte[] signature)
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
        return RawSign1Protected(writer.Encode(), content, signature);
    }

    private static string RawSign1Protected(byte[] protectedHeader, byte[] content, byte[] signature)
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
        return CredentialIssuer.Prefix + Base45.Encode(writer.Encode());
    }

    private static byte[] DecodeCose(string payload)
    {
        var text = payload[CredentialIssuer.Prefix.Length..];
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        Assert.True(Base45.TryDecode(text, buffer, out var written));
        return buffer[..written];
    }
}
