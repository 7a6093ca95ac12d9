using ELicense.V1;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Core.Credentials;

/// <summary>How the server and the handheld both turn a decoder's finding into the contract's words.</summary>
public static class CredentialVerdicts
{
    /// <summary>The verdict for a credential that is not Genuine (Genuine needs the licence rules on top).</summary>
    public static Verdict Of(CredentialStatus status) => status switch
    {
        CredentialStatus.Malformed => Verdict.Malformed,
        CredentialStatus.SignatureInvalid => Verdict.SignatureInvalid,
        CredentialStatus.UnknownKey => Verdict.UnknownKey,
        CredentialStatus.Expired => Verdict.CredentialExpired,
        CredentialStatus.NotYetValid => Verdict.CredentialNotYetValid,
        _ => Verdict.Malformed,
    };

    /// <summary>The verified credential as the contract describes it.</summary>
    public static CredentialInfo Info(CredentialClaims claims, IVerificationKey key) => new()
    {
        TokenId = Convert.ToHexStringLower(claims.TokenId),
        KeyId = key.KeyIdHex,
        Issuer = claims.Issuer,
        IssueTime = Timestamp.FromDateTimeOffset(claims.IssuedAt),
        ExpireTime = Timestamp.FromDateTimeOffset(claims.ExpiresAt),
        Snapshot = claims.Snapshot,
    };
}
