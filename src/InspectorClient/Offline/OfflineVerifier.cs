using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using ELicense.Core.Credentials;
using ELicense.Core;
using ELicense.Core.Rules;

namespace ELicense.Inspector.Offline;

/// <summary>
/// Checks a credential on the handheld with no connection, by the server's rules in the server's order
/// (CredentialVerifier): decode, canonical COSE form, algorithm allow-list (ES256 only), key id, key
/// validity, signature, claims, issuer, lifetime, time window with the published clock skew. The answer
/// has the server's shape: a verdict, the verified claims, and for a genuine credential the licence
/// rules applied to the signed snapshot (status and validity dates as they were at issue; points are not
/// in the snapshot). What it cannot know — the live status, a reuse on another device — the console says.
/// </summary>
public sealed class OfflineVerifier : IDisposable
{
    /// <summary>The credential prefix.</summary>
    public const string Prefix = "EDL1:";

    /// <summary>The longest payload the contract accepts.</summary>
    public const int MaxPayloadLength = 2048;

    /// <summary>
    /// The longest credential lifetime accepted: the server's default bound. The contract does not publish
    /// the server's setting; a credential that lives longer is refused here as the default server would.
    /// </summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    private const int Es256 = -7;

    private readonly CachedIssuerKeys _keys;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (CachedKey Key, ECDsa Verifier)> _byId = new(StringComparer.Ordinal);

    /// <summary>Imports the cached keys; keys that are not ES256 P-256 public keys are left out.</summary>
    public OfflineVerifier(CachedIssuerKeys keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
        foreach (var key in keys.Keys.Where(k => k.Algorithm == "ES256"))
        {
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportSubjectPublicKeyInfo(key.PublicKeySpki, out _);
                var curve = ecdsa.ExportParameters(includePrivateParameters: false).Curve;
                if (curve.IsNamed && curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value)
                {
                    _byId[key.KeyId.ToLowerInvariant()] = (key, ecdsa);
                    continue;
                }
            }
            catch (CryptographicException)
            {
                // An unusable key verifies nothing; credentials naming it come out UNKNOWN_KEY.
            }

            ecdsa.Dispose();
        }
    }

    /// <summary>The allowed clock skew, as the server published it.</summary>
    public TimeSpan MaxClockSkew => TimeSpan.FromSeconds(Math.Clamp(_keys.MaxClockSkewSeconds, 0, 30));

    /// <summary>Checks <paramref name="payload"/>; never throws for a hostile payload.</summary>
    public VerifyCredentialResponse Verify(string? payload)
    {
        var now = _time.GetUtcNow();
        VerifyCredentialResponse response;
        try
        {
            // A clock set back lets an expired code back into its window. The keys were fetched by this
            // device's own clock, so a clock that now reads earlier than that (beyond the skew) has been
            // set back: the time window cannot be trusted, and nothing is confirmed offline.
            response = now < _keys.FetchedAt - MaxClockSkew
                ? Fail(Verdict.StatusUnavailable, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"This handheld's clock reads {now:yyyy-MM-dd HH:mm:ss}Z, earlier than when its issuer keys were fetched ({_keys.FetchedAt:yyyy-MM-dd HH:mm:ss}Z): expiry cannot be checked offline. Correct the clock, or check online."))
                : VerifyCore(payload, now);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Cbor.CborContentException or InvalidOperationException
                                      or OverflowException or ArgumentException or FormatException)
        {
            response = Fail(Verdict.Malformed, "The payload is not a well-formed credential.");
        }

        response.VerifyTime = Timestamp.FromDateTimeOffset(now);
        return response;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, verifier) in _byId.Values)
        {
            verifier.Dispose();
        }

        _byId.Clear();
    }

    private VerifyCredentialResponse VerifyCore(string? payload, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return Fail(Verdict.Malformed, "The payload is empty.");
        }

        if (payload.Length > MaxPayloadLength)
        {
            return Fail(Verdict.Malformed, $"The payload is longer than {MaxPayloadLength} characters.");
        }

        if (!payload.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Fail(Verdict.Malformed, $"The payload does not start with {Prefix}.");
        }

        var text = payload.AsSpan(Prefix.Length);
        var buffer = new byte[Base45.GetMaxDecodedLength(text.Length)];
        if (!Base45.TryDecode(text, buffer, out var length))
        {
            return Fail(Verdict.Malformed, "The payload is not valid Base45.");
        }

        var bytes = buffer.AsSpan(0, length);
        CoseSign1Message message;
        try
        {
            message = CoseMessage.DecodeSign1(bytes);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Cbor.CborContentException or OverflowException or InvalidOperationException)
        {
            return Fail(Verdict.Malformed, "The payload is not a COSE_Sign1 message.");
        }

        if (message.Content is null)
        {
            return Fail(Verdict.Malformed, "The COSE message carries no content.");
        }

        // Same rule as the server: one credential, one QR text (see CredentialVerifier.IsCanonical).
        if (!IsCanonical(message, bytes))
        {
            return Fail(Verdict.Malformed, "The COSE message is not in the issuer's canonical form.");
        }

        if (!TryGetAlgorithm(message, out var algorithm) || algorithm != Es256)
        {
            return Fail(Verdict.SignatureInvalid, "The signature algorithm is not allowed (only ES256 is).");
        }

        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.KeyIdentifier, out var kidValue) || !TryGetBytes(kidValue, out var kid))
        {
            return Fail(Verdict.UnknownKey, "The credential names no key id in its protected header.");
        }

        var kidHex = Convert.ToHexStringLower(kid);
        if (!_byId.TryGetValue(kidHex, out var entry))
        {
            return Fail(Verdict.UnknownKey, $"Key id {kidHex} is not among the cached issuer keys.");
        }

        var skew = MaxClockSkew;
        if ((entry.Key.NotBefore is { } notBefore && now + skew < notBefore) || (entry.Key.NotAfter is { } notAfter && now - skew > notAfter))
        {
            return Fail(Verdict.UnknownKey, $"Key {kidHex} is outside its validity (retired or not yet active).");
        }

        // Same rule as the server, from the same file: the high-S twin of a signature is refused.
        if (!EcdsaLowS.IsLowS(message.Signature.Span))
        {
            return Fail(Verdict.SignatureInvalid, "The signature is not in the issuer's low-S form.");
        }

        bool verified;
        try
        {
            verified = message.VerifyEmbedded(entry.Verifier);
        }
        catch (CryptographicException)
        {
            verified = false;
        }

        if (!verified)
        {
            return Fail(Verdict.SignatureInvalid, "The signature does not verify.");
        }

        var claims = CredentialClaims.TryDecode(message.Content.Value);
        if (claims is null)
        {
            return Fail(Verdict.Malformed, "The signed claims are incomplete or malformed.");
        }

        if (!string.Equals(claims.Issuer, _keys.Issuer, StringComparison.Ordinal))
        {
            return Fail(Verdict.Malformed, "The credential names another issuer.");
        }

        if (claims.ExpiresAt <= claims.IssuedAt || claims.ExpiresAt - claims.IssuedAt > MaxLifetime)
        {
            return Fail(Verdict.Malformed, "The credential's lifetime is empty or longer than allowed.");
        }

        var response = new VerifyCredentialResponse
        {
            Credential = new CredentialInfo
            {
                TokenId = Convert.ToHexStringLower(claims.TokenId),
                KeyId = kidHex,
                Issuer = claims.Issuer,
                IssueTime = Timestamp.FromDateTimeOffset(claims.IssuedAt),
                ExpireTime = Timestamp.FromDateTimeOffset(claims.ExpiresAt),
                Snapshot = claims.Snapshot,
            },
        };
        if (claims.IssuedAt - skew > now)
        {
            response.Verdict = Verdict.CredentialNotYetValid;
            response.Message = "The credential is issued in the future.";
            return response;
        }

        if (claims.ExpiresAt + skew < now)
        {
            response.Verdict = Verdict.CredentialExpired;
            response.Message = $"The credential expired at {claims.ExpiresAt:u}.";
            return response;
        }

        // The server's licence rules, applied to what was signed at issue. Points are not signed, so they cannot fail here.
        var snapshot = claims.Snapshot;
        var asSigned = new License
        {
            LicenseNumber = snapshot.LicenseNumber,
            HolderName = snapshot.HolderName,
            LicenseClass = snapshot.LicenseClass,
            Status = snapshot.Status,
            ValidFromDate = snapshot.ValidFromDate,
            ValidUntilDate = snapshot.ValidUntilDate,
        };
        var valid = LicenseRules.Evaluate(asSigned, Dates.ChinaToday(now), response.NotValidReasons);
        response.Verdict = valid ? Verdict.Valid : Verdict.LicenseNotValid;
        response.Message = valid
            ? "Genuine credential; the signed snapshot is valid. Live status not checked (offline)."
            : "Genuine credential, but the signed snapshot is not valid: " + string.Join(", ", response.NotValidReasons);
        return response;
    }

    private static VerifyCredentialResponse Fail(Verdict verdict, string detail) => new() { Verdict = verdict, Message = detail };

    private static bool IsCanonical(CoseSign1Message message, ReadOnlySpan<byte> scanned)
    {
        // 0xD2 is CBOR tag 18 (COSE_Sign1), as the issuer writes it.
        const byte coseSign1Tag = 0xD2;
        if (scanned.Length == 0 || scanned[0] != coseSign1Tag || message.UnprotectedHeaders.Count != 0 || message.GetEncodedLength() != scanned.Length)
        {
            return false;
        }

        var encoded = new byte[scanned.Length];
        return message.Encode(encoded) == scanned.Length && encoded.AsSpan().SequenceEqual(scanned);
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
            return false;
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
