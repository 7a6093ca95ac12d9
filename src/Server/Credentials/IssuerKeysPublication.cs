using ELicense.Core.Credentials;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Server.Credentials;

/// <summary>
/// What ListIssuerKeys publishes: every key of the ring and, beside them, the policy this server's
/// decoder applies, so that a handheld checks offline by the server's configuration, not by constants.
/// </summary>
public static class IssuerKeysPublication
{
    /// <summary>
    /// The response for <paramref name="keyRing"/> and the <paramref name="policy"/> the server's decoder applies
    /// (taken from the decoder itself, so what is published is what is applied).
    /// </summary>
    public static ListIssuerKeysResponse Create(KeyRing keyRing, CredentialPolicy policy)
    {
        var response = new ListIssuerKeysResponse
        {
            Issuer = policy.Issuer,
            MaxClockSkewSeconds = (int)policy.MaxClockSkew.TotalSeconds,
        };
        response.DocumentPolicies.Add(new DocumentPolicy
        {
            DocumentType = policy.DocumentType,
            Prefix = policy.Prefix,
            MaxPayloadLength = policy.MaxPayloadLength,
            // Whole seconds: CWT times are whole seconds, so a fraction would never matter.
            MaxLifetimeSeconds = (int)policy.MaxLifetime.TotalSeconds,
        });
        foreach (var key in keyRing.Keys)
        {
            response.Keys.Add(new IssuerKey
            {
                KeyId = key.KeyIdHex,
                Algorithm = "ES256",
                PublicKeySpki = ByteString.CopyFrom(key.SubjectPublicKeyInfo),
                NotBeforeTime = key.NotBefore is { } nb ? Timestamp.FromDateTimeOffset(nb) : null,
                NotAfterTime = key.NotAfter is { } na ? Timestamp.FromDateTimeOffset(na) : null,
                Signing = ReferenceEquals(key, keyRing.SigningKey),
            });
        }

        return response;
    }
}
