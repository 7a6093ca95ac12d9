using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using Microsoft.Extensions.Options;
using ELicense.Core.Credentials;

namespace ELicense.Server.Credentials;

/// <summary>What checking a credential on its own (without replay or live data) found.</summary>
public enum CredentialStatus
{
    /// <summary>Genuine and inside its time window.</summary>
    Genuine,
    /// <summary>Not a credential: prefix, Base45, COSE or claims are wrong.</summary>
    Malformed,
    /// <summary>The algorithm is not ES256, or the signature does not verify.</summary>
    SignatureInvalid,
    /// <summary>No key of the ring has this id, or the key is outside its validity.</summary>
    UnknownKey,
    /// <summary>Past its expiry beyond the allowed skew.</summary>
    Expired,
    /// <summary>Issued in the future beyond the allowed skew.</summary>
    NotYetValid,
}

/// <summary>The outcome of <see cref="CredentialVerifier.Verify"/>; <see cref="Claims"/> is set once the signature verified.</summary>
public readonly record struct CredentialCheck(CredentialStatus Status, string Detail, CredentialClaims? Claims, RingKey? Key);

/// <summary>
/// Checks a scanned credential in the order that keeps forgeries cheap to reject and unable to do harm:
/// decode, algorithm allow-list, key id, signature, then the time window. Claims are parsed only after
/// the signature verified, so attacker-chosen CBOR reaches the claim parser only if it was signed by us.
/// </summary>
public sealed class CredentialVerifier(KeyRing keyRing, IOptions<CredentialOptions> options, TimeProvider time)
{
    /// <summary>COSE algorithm id of ES256 (ECDSA P-256 with SHA-256), the only one accepted.</summary>
    public const int Es256 = -7;

    private readonly CredentialOptions _options = options.Value;

    public CredentialCheck Verify(string? qrPayload)
    {
        try
        {
            return VerifyCore(qrPayload);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Cbor.CborContentException or InvalidOperationException
                                      or OverflowException or ArgumentException or FormatException)
        {
            // Last line of defence: whatever a hostile payload makes the decoders throw is a verdict, never a server error.
            return Fail(CredentialStatus.Malformed, "The payload is not a well-formed credential.");
        }
    }

    private CredentialCheck VerifyCore(string? qrPayload)
    {
        if (string.IsNullOrEmpty(qrPayload))
        {
            return Fail(CredentialStatus.Malformed, "The payload is empty.");
        }

        if (qrPayload.Length > _options.MaxPayloadLength)
        {
            return Fail(CredentialStatus.Malformed, $"The payload is longer than {_options.MaxPayloadLength} characters.");
        }

        if (!qrPayload.StartsWith(CredentialIssuer.Prefix, StringComparison.Ordinal))
        {
            return Fail(CredentialStatus.Malformed, $"The payload does not start with {CredentialIssuer.Prefix}.");
        }

        var text = qrPayload.AsSpan(CredentialIssuer.Prefix.Length);
        Span<byte> buffer = stackalloc byte[Base45.GetMaxDecodedLength(text.Length)];
        if (!Base45.TryDecode(text, buffer, out var length))
        {
            return Fail(CredentialStatus.Malformed, "The payload is not valid Base45.");
        }

        CoseSign1Message message;
        try
        {
            message = CoseMessage.DecodeSign1(buffer[..length]);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Cbor.CborContentException or OverflowException or InvalidOperationException)
        {
            // DecodeSign1 throws OverflowException for integer header labels beyond Int32, among others.
            return Fail(CredentialStatus.Malformed, "The payload is not a COSE_Sign1 message.");
        }

        if (message.Content is null)
        {
            return Fail(CredentialStatus.Malformed, "The COSE message carries no content.");
        }

        // One credential, one encoding: only what the issuer writes (tag 18, empty unprotected header,
        // shortest lengths) is accepted. COSE signs the protected header and the content but not the
        // outer framing, so without this a re-encoded credential — untagged, or with an unsigned header
        // added — would still verify under a different QR text.
        if (!IsCanonical(message, buffer[..length]))
        {
            return Fail(CredentialStatus.Malformed, "The COSE message is not in the issuer's canonical form.");
        }

        if (!TryGetAlgorithm(message, out var algorithm) || algorithm != Es256)
        {
            return Fail(CredentialStatus.SignatureInvalid, "The signature algorithm is not allowed (only ES256 is).");
        }

        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.KeyIdentifier, out var kidValue)
            || !TryGetBytes(kidValue, out var kid))
        {
            return Fail(CredentialStatus.UnknownKey, "The credential names no key id in its protected header.");
        }

        if (!keyRing.TryGet(kid, out var key))
        {
            return Fail(CredentialStatus.UnknownKey, $"Key id {Convert.ToHexStringLower(kid)} is not a key of this issuer.");
        }

        var now = time.GetUtcNow();
        if (!key.IsValidAt(now, _options.MaxClockSkew))
        {
            return Fail(CredentialStatus.UnknownKey, $"Key {key.KeyIdHex} is outside its validity (retired or not yet active).");
        }

        // One credential, one signature: the twin (r, n − s) verifies too, so only the low-S form the issuer writes counts.
        if (!EcdsaLowS.IsLowS(message.Signature.Span))
        {
            return Fail(CredentialStatus.SignatureInvalid, "The signature is not in the issuer's low-S form.");
        }

        bool verified;
        try
        {
            verified = message.VerifyEmbedded(key.Verifier);
        }
        catch (CryptographicException)
        {
            verified = false;
        }

        if (!verified)
        {
            return Fail(CredentialStatus.SignatureInvalid, "The signature does not verify.");
        }

        var claims = CredentialClaims.TryDecode(message.Content.Value);
        if (claims is null)
        {
            return Fail(CredentialStatus.Malformed, "The signed claims are incomplete or malformed.");
        }

        if (!string.Equals(claims.Issuer, _options.Issuer, StringComparison.Ordinal))
        {
            return Fail(CredentialStatus.Malformed, "The credential names another issuer.");
        }

        if (claims.ExpiresAt <= claims.IssuedAt || claims.ExpiresAt - claims.IssuedAt > _options.MaxLifetime)
        {
            return Fail(CredentialStatus.Malformed, "The credential's lifetime is empty or longer than allowed.");
        }

        if (claims.IssuedAt - _options.MaxClockSkew > now)
        {
            return new CredentialCheck(CredentialStatus.NotYetValid, "The credential is issued in the future.", claims, key);
        }

        if (claims.ExpiresAt + _options.MaxClockSkew < now)
        {
            return new CredentialCheck(CredentialStatus.Expired, $"The credential expired at {claims.ExpiresAt:u}.", claims, key);
        }

        return new CredentialCheck(CredentialStatus.Genuine, "Genuine credential.", claims, key);
    }

    private static CredentialCheck Fail(CredentialStatus status, string detail) => new(status, detail, null, null);

    /// <summary>
    /// True when <paramref name="scanned"/> is byte for byte what the library's <c>Encode</c> writes for
    /// <paramref name="message"/> as the issuer made it: tag 18, an array of four, the protected header
    /// bytes, an empty unprotected map, the content and the signature, every byte string with a definite,
    /// shortest length. Compared in place rather than by encoding the message again, which would allocate
    /// a CBOR writer and its buffers (about 3.5 KB, a third of a verification's allocations) to produce
    /// bytes that are known in advance.
    /// </summary>
    internal static bool IsCanonical(CoseSign1Message message, ReadOnlySpan<byte> scanned)
    {
        // 0xD2 is CBOR tag 18 (COSE_Sign1), 0x84 an array of four, 0xA0 an empty map.
        const byte coseSign1Tag = 0xD2, arrayOfFour = 0x84, emptyMap = 0xA0;
        if (message.UnprotectedHeaders.Count != 0 || message.Content is not { } content)
        {
            return false;
        }

        var rest = scanned;
        return Take(ref rest, coseSign1Tag) && Take(ref rest, arrayOfFour)
            && TakeByteString(ref rest, message.RawProtectedHeaders.Span)
            && Take(ref rest, emptyMap)
            && TakeByteString(ref rest, content.Span)
            && TakeByteString(ref rest, message.Signature.Span)
            && rest.IsEmpty;

        static bool Take(ref ReadOnlySpan<byte> rest, byte expected)
        {
            if (rest.IsEmpty || rest[0] != expected)
            {
                return false;
            }

            rest = rest[1..];
            return true;
        }

        static bool TakeByteString(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> value)
        {
            // The shortest head of a definite-length byte string (major type 2), as CborWriter writes it.
            Span<byte> head = stackalloc byte[5];
            var length = (uint)value.Length;
            var headLength = 1;
            if (length < 24)
            {
                head[0] = (byte)(0x40 | length);
            }
            else if (length <= byte.MaxValue)
            {
                head[0] = 0x58;
                head[1] = (byte)length;
                headLength = 2;
            }
            else if (length <= ushort.MaxValue)
            {
                head[0] = 0x59;
                BinaryPrimitives.WriteUInt16BigEndian(head[1..], (ushort)length);
                headLength = 3;
            }
            else
            {
                head[0] = 0x5A;
                BinaryPrimitives.WriteUInt32BigEndian(head[1..], length);
                headLength = 5;
            }

            if (!rest.StartsWith(head[..headLength]) || !rest[headLength..].StartsWith(value))
            {
                return false;
            }

            rest = rest[(headLength + value.Length)..];
            return true;
        }
    }

    private static bool TryGetAlgorithm(CoseSign1Message message, out int algorithm)
    {
        algorithm = 0;
        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.Algorithm, out var value))
        {
            return false;
        }

        try
        {
            algorithm = value.GetValueAsInt32();
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or OverflowException or System.Formats.Cbor.CborContentException)
        {
            return false; // a text-string or oversized alg: not ES256 either way
        }
    }

    private static bool TryGetBytes(CoseHeaderValue value, out byte[] bytes)
    {
        try
        {
            bytes = value.GetValueAsBytes();
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.Formats.Cbor.CborContentException)
        {
            bytes = [];
            return false;
        }
    }
}
