using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>Throwaway ECDSA P-256 certificates for the TLS tests: a CA, and client or server certificates it signs.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed CA valid from yesterday for 30 days.</summary>
    public static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>
    /// A certificate signed by <paramref name="ca"/> for client or server authentication, with its private key usable
    /// by SslStream on Linux (and exportable). A server certificate names exactly one of <paramref name="ipAddress"/>
    /// or <paramref name="dnsName"/> (and no other entry, so a check against anything else fails).
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool clientAuth, string? ipAddress = null, string? dnsName = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(clientAuth ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        if (ipAddress is not null || dnsName is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            if (ipAddress is not null)
            {
                san.AddIpAddress(IPAddress.Parse(ipAddress));
            }

            if (dnsName is not null)
            {
                san.AddDnsName(dnsName);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(8);
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        // Round-trip through PFX so the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx, ""), "", X509KeyStorageFlags.Exportable);
    }
}
