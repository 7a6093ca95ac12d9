using System.Security.Cryptography;
using System.Security.Cryptography.Cose;

namespace ELicense.Core.Credentials;

/// <summary>
/// Writes a credential in the one form the decoder accepts: the signed claims in a tagged COSE_Sign1
/// with ES256, the key id in the protected header, a low-S signature, Base45 behind the document's prefix.
/// </summary>
public static class CredentialEncoder
{
    /// <summary>Signs <paramref name="content"/> (encoded claims) with <paramref name="key"/>, a P-256 private key whose id is <paramref name="keyId"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> content, ECDsa key, byte[] keyId, string prefix)
    {
        var protectedHeaders = new CoseHeaderMap
        {
            { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(keyId) },
        };
        var signer = new CoseSigner(key, HashAlgorithmName.SHA256, protectedHeaders);
        var cose = CoseSign1Message.SignEmbedded(content, signer);
        NormalizeSignature(cose);
        return prefix + Base45.Encode(cose);
    }

    /// <summary>
    /// Makes the signature low-S (see <see cref="EcdsaLowS"/>) in place. The signature is the last element
    /// of the COSE_Sign1 array, a 64-byte string (head 0x58 0x40), so it is the message's last 64 bytes;
    /// swapping s for n − s keeps every length, and the message stays in the canonical form verifiers demand.
    /// </summary>
    private static void NormalizeSignature(byte[] cose)
    {
        const int signatureLength = 2 * EcdsaLowS.ScalarLength;
        if (cose.Length < signatureLength + 2 || cose[^(signatureLength + 2)] != 0x58 || cose[^(signatureLength + 1)] != signatureLength)
        {
            throw new CryptographicException("The COSE library wrote a signature that is not a 64-byte ES256 signature at the end.");
        }

        EcdsaLowS.Normalize(cose.AsSpan(cose.Length - signatureLength));
    }
}
