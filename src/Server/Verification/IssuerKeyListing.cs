using ELicense.Server.Credentials;
using ELicense.V1;

namespace ELicense.Server.Verification;

/// <summary>The issuer's public keys as the key ring holds them, and the policy the verifier applies, for handhelds that verify offline.</summary>
public sealed class IssuerKeyListing(KeyRing keyRing, CredentialVerifier verifier, MarkVerifier marks)
{
    public ListIssuerKeysResponse ListIssuerKeys() => IssuerKeysPublication.Create(keyRing, verifier.Policy, marks.Policy);
}
