namespace ELicense.Core.Credentials;

/// <summary>What checking a credential on its own (without replay or live data) found.</summary>
public enum CredentialStatus
{
    /// <summary>Genuine and inside its time window.</summary>
    Genuine,
    /// <summary>Not a credential: prefix, Base45, COSE or claims are wrong.</summary>
    Malformed,
    /// <summary>The algorithm is not ES256, or the signature does not verify.</summary>
    SignatureInvalid,
    /// <summary>No key of the key source has this id, or the key is outside its validity.</summary>
    UnknownKey,
    /// <summary>Past its expiry beyond the allowed skew.</summary>
    Expired,
    /// <summary>Issued in the future beyond the allowed skew.</summary>
    NotYetValid,
}

/// <summary>
/// The outcome of <see cref="CredentialDecoder{TClaims}.Verify(string?)"/>. <see cref="Claims"/> and
/// <see cref="Key"/> are set exactly when the signature verified (Genuine, Expired, NotYetValid).
/// </summary>
public readonly record struct CredentialCheck<TClaims>(CredentialStatus Status, string Detail, TClaims? Claims, IVerificationKey? Key)
    where TClaims : class, ISignedClaims;
