using ELicense.V1;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Core.Credentials;

/// <summary>How the server and the handheld both turn a mark decoder's finding into the contract's words.</summary>
public static class MarkVerdicts
{
    /// <summary>The verdict for a mark that is not Genuine (Genuine needs the vehicle rules on top).</summary>
    public static VehicleVerdict Of(CredentialStatus status) => status switch
    {
        CredentialStatus.Malformed => VehicleVerdict.Malformed,
        CredentialStatus.SignatureInvalid => VehicleVerdict.SignatureInvalid,
        CredentialStatus.UnknownKey => VehicleVerdict.UnknownKey,
        CredentialStatus.Expired => VehicleVerdict.MarkExpired,
        CredentialStatus.NotYetValid => VehicleVerdict.MarkNotYetValid,
        _ => VehicleVerdict.Malformed,
    };

    /// <summary>The verified mark as the contract describes it.</summary>
    public static InspectionMarkInfo Info(InspectionMarkClaims claims, IVerificationKey key) => new()
    {
        TokenId = Convert.ToHexStringLower(claims.TokenId),
        KeyId = key.KeyIdHex,
        Issuer = claims.Issuer,
        IssueTime = Timestamp.FromDateTimeOffset(claims.IssuedAt),
        ExpireTime = Timestamp.FromDateTimeOffset(claims.ExpiresAt),
        Mark = claims.Mark,
    };
}
