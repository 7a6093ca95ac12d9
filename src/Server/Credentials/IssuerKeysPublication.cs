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
    /// The response for <paramref name="keyRing"/> and the <paramref name="policies"/> the server's decoders
    /// apply, the licence's first (taken from the decoders themselves, so what is published is what is applied).
    /// Issuer and clock skew are the first policy's: one configuration sets them for every document type.
    /// </summary>
    public static ListIssuerKeysResponse Create(KeyRing keyRing, params ReadOnlySpan<CredentialPolicy> policies)
    {
        if (policies.IsEmpty)
        {
            throw new ArgumentException("At least one policy is published.", nameof(policies));
        }

        var response = new ListIssuerKeysResponse
        {
            Issuer = policies[0].Issuer,
            MaxClockSkewSeconds = (int)policies[0].MaxClockSkew.TotalSeconds,
        };
        foreach (var policy in policies)
        {
            response.DocumentPolicies.Add(new DocumentPolicy
            {
                DocumentType = policy.DocumentType,
                Prefix = policy.Prefix,
                MaxPayloadLength = policy.MaxPayloadLength,
                // Whole seconds: CWT times are whole seconds, so a fraction would never matter.
                MaxLifetimeSeconds = (int)policy.MaxLifetime.TotalSeconds,
            });
        }

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
