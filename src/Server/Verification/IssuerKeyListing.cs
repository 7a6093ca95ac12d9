using ELicense.Server.Credentials;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Verification;

/// <summary>The issuer's public keys as the key ring holds them, for handhelds that verify offline.</summary>
public sealed class IssuerKeyListing(KeyRing keyRing, IOptions<CredentialOptions> credentialOptions)
{
    public ListIssuerKeysResponse ListIssuerKeys()
    {
        var response = new ListIssuerKeysResponse
        {
            Issuer = credentialOptions.Value.Issuer,
            MaxClockSkewSeconds = (int)credentialOptions.Value.MaxClockSkew.TotalSeconds,
        };
        foreach (var key in keyRing.Keys)
        {
            response.Keys.Add(new V1.IssuerKey
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
