using System.Security.Cryptography;
using System.Security.Cryptography.Cose;

namespace ELicense.Core.Credentials;

/// <summary>
/// The one credential decoder and verifier, run by the server (over its key ring) and by the handheld
/// offline (over its cached keys). It checks in the order that keeps forgeries cheap to reject and
/// unable to do harm: prefix and length, Base45, COSE_Sign1, canonical form, algorithm allow-list, key
/// by id, key validity, low-S, ES256 signature, then the signed claims of the document type, issuer,
/// lifetime and time window. Claims are parsed only after the signature verified, so attacker-chosen
/// CBOR reaches the claim parser only if it was signed by the issuer. Every input, however hostile,
/// comes out as a <see cref="CredentialCheck{TClaims}"/>: bad credentials are verdicts, not exceptions.
/// </summary>
public sealed class CredentialDecoder<TClaims>
    where TClaims : class, ISignedClaims
{
    /// <summary>COSE algorithm id of ES256 (ECDSA P-256 with SHA-256), the only one accepted.</summary>
    public const int Es256 = -7;

    private readonly ICredentialDocument<TClaims> _document;
    private readonly IIssuerKeySource _keys;
    private readonly TimeProvider _time;
    private readonly string _prefix;
    private readonly int _maxPayloadLength;
    private readonly TimeSpan _maxLifetime;
    private readonly TimeSpan _skew;
    private readonly string _issuer;

    /// <summary>A decoder for <paramref name="document"/> under <paramref name="policy"/>, which must be for that document type and usable.</summary>
    public CredentialDecoder(ICredentialDocument<TClaims> document, CredentialPolicy policy, IIssuerKeySource keys, TimeProvider time)
    {
        if (policy.Problem() is { } problem)
        {
            throw new ArgumentException($"The credential policy {problem}.", nameof(policy));
        }

        if (policy.DocumentType != document.DocumentType)
        {
            throw new ArgumentException($"The policy is for {policy.DocumentType}, the document is {document.DocumentType}.", nameof(policy));
        }

        _document = document;
        _keys = keys;
        _time = time;
        Policy = policy;
        (_prefix, _maxPayloadLength, _maxLifetime, _skew, _issuer) =
            (policy.Prefix, policy.MaxPayloadLength, policy.MaxLifetime, policy.MaxClockSkew, policy.Issuer);
    }

    /// <summary>The limits this decoder applies.</summary>
    public CredentialPolicy Policy { get; }

    /// <summary>Checks <paramref name="payload"/> at the clock's current time.</summary>
    public CredentialCheck<TClaims> Verify(string? payload) => Verify(payload, null);

    /// <summary>Checks <paramref name="payload"/> at <paramref name="now"/> (null: the clock's time when the key is checked).</summary>
    public CredentialCheck<TClaims> Verify(string? payload, DateTimeOffset? now)
    {
        try
        {
            return VerifyCore(payload, now);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Cbor.CborContentException or InvalidOperationException
                                      or OverflowException or ArgumentException or FormatException)
        {
            // Last line of defence: whatever a hostile payload makes the decoders throw is a verdict, never an error.
            return Fail(CredentialStatus.Malformed, "The payload is not a well-formed credential.");
        }
    }

    private CredentialCheck<TClaims> VerifyCore(string? payload, DateTimeOffset? at)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return Fail(CredentialStatus.Malformed, "The payload is empty.");
        }

        if (payload.Length > _maxPayloadLength)
        {
            return Fail(CredentialStatus.Malformed, $"The payload is longer than {_maxPayloadLength} characters.");
        }

        if (!payload.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return Fail(CredentialStatus.Malformed, $"The payload does not start with {_prefix}.");
        }

        var text = payload.AsSpan(_prefix.Length);
        // At most 8192 characters (the policy's bound) decode to at most 5.5 KB: the stack holds that.
        Span<byte> buffer = stackalloc byte[Base45.GetMaxDecodedLength(text.Length)];
        if (!Base45.TryDecode(text, buffer, out var length))
        {
            return Fail(CredentialStatus.Malformed, "The payload is not valid Base45.");
        }

        var bytes = buffer[..length];
        CoseSign1Message message;
        try
        {
            message = CoseMessage.DecodeSign1(bytes);
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

        if (!CoseCanonicalForm.IsCanonical(message, bytes))
        {
            return Fail(CredentialStatus.Malformed, "The COSE message is not in the issuer's canonical form.");
        }

        if (!CoseHeaders.TryGetAlgorithm(message, out var algorithm) || algorithm != Es256)
        {
            return Fail(CredentialStatus.SignatureInvalid, "The signature algorithm is not allowed (only ES256 is).");
        }

        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.KeyIdentifier, out var kidValue)
            || !CoseHeaders.TryGetBytes(kidValue, out var kid))
        {
            return Fail(CredentialStatus.UnknownKey, "The credential names no key id in its protected header.");
        }

        if (!_keys.TryGetKey(kid, out var key))
        {
            return Fail(CredentialStatus.UnknownKey, $"Key id {Convert.ToHexStringLower(kid)} is not {_keys.UnknownKeyHint}.");
        }

        var now = at ?? _time.GetUtcNow();
        if (!key.IsValidAt(now, _skew))
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

        // The document type: only claims of this decoder's type parse (a licence decoder refuses anything without the licence claim).
        var claims = _document.TryDecode(message.Content.Value);
        if (claims is null)
        {
            return Fail(CredentialStatus.Malformed, "The signed claims are incomplete or malformed.");
        }

        if (!string.Equals(claims.Issuer, _issuer, StringComparison.Ordinal))
        {
            return Fail(CredentialStatus.Malformed, "The credential names another issuer.");
        }

        if (claims.ExpiresAt <= claims.IssuedAt || claims.ExpiresAt - claims.IssuedAt > _maxLifetime)
        {
            return Fail(CredentialStatus.Malformed, "The credential's lifetime is empty or longer than allowed.");
        }

        if (claims.IssuedAt - _skew > now)
        {
            return new(CredentialStatus.NotYetValid, "The credential is issued in the future.", claims, key);
        }

        if (claims.ExpiresAt + _skew < now)
        {
            return new(CredentialStatus.Expired, $"The credential expired at {claims.ExpiresAt:u}.", claims, key);
        }

        return new(CredentialStatus.Genuine, "Genuine credential.", claims, key);
    }

    private static CredentialCheck<TClaims> Fail(CredentialStatus status, string detail) => new(status, detail, null, null);
}
