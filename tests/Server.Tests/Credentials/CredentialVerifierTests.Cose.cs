using System.Security.Cryptography;
using ELicense.Server.Credentials;
using Xunit;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>Helpers that build COSE messages by hand, so that tests hold exactly the bytes a forger would send.</summary>
public partial class CredentialVerifierTests
{
    private static CredentialClaims ClaimsFor(CredentialTestKit kit)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(kit.Time.GetUtcNow().ToUnixTimeSeconds());
        var license = CredentialTestKit.SampleLicense();
        return new CredentialClaims("ELicense", now, now.AddMinutes(3), RandomNumberGenerator.GetBytes(16),
            new V1.CredentialSnapshot
            {
                LicenseNumber = license.LicenseNumber,
                HolderName = license.HolderName,
                LicenseClass = license.LicenseClass,
                Status = license.Status,
                ValidFromDate = license.ValidFromDate,
            });
    }

    private static string Sign(ECDsa key, HashAlgorithmName hash, byte[] keyId, byte[] content) =>
        CoseForge.Sign(key, hash, keyId, content, CredentialIssuer.Prefix);

    private static string RawSign1(int? algorithm, byte[] keyId, byte[] content, byte[] signature) =>
        CoseForge.RawSign1(algorithm, keyId, content, signature, CredentialIssuer.Prefix);

    private static string RawSign1Protected(byte[] protectedHeader, byte[] content, byte[] signature) =>
        CoseForge.RawSign1Protected(protectedHeader, content, signature, CredentialIssuer.Prefix);

    private static byte[] DecodeCose(string payload) => CoseForge.DecodeCose(payload, CredentialIssuer.Prefix);
}
