using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ELicense.Client.Cli;

namespace ELicense.Client.Connection;

/// <summary>
/// The TLS material named by the options: the client certificate for mutual TLS, and the CA(s) to trust
/// for the server's certificate instead of the system store. Loading errors are usage errors (exit 2).
/// </summary>
public sealed class ClientTls : IDisposable
{
    private ClientTls(X509Certificate2? clientCertificate, X509Certificate2Collection? trustedRoots)
    {
        ClientCertificate = clientCertificate;
        TrustedRoots = trustedRoots;
    }

    /// <summary>The client certificate with its private key, or null.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>The only roots the server's chain may end in, or null for the system trust.</summary>
    public X509Certificate2Collection? TrustedRoots { get; }

    /// <summary>Loads the files named by <paramref name="options"/>; throws <see cref="UsageException"/> when one is unusable.</summary>
    public static ClientTls Load(ConnectionOptions options)
    {
        var roots = options.CaFile is null ? null : LoadRoots(options.CaFile);
        var certificate = options.CertificateFile is null
            ? null
            : LoadClientCertificate(options.CertificateFile, options.CertificateKeyFile, options.CertificatePassword);
        return new ClientTls(certificate, roots);
    }

    /// <summary>Puts the client certificate and the server certificate check on the handler's TLS options.</summary>
    public void Apply(SslClientAuthenticationOptions ssl)
    {
        if (ClientCertificate is { } certificate)
        {
            ssl.ClientCertificates = new X509CertificateCollection { certificate };
            // Offer the certificate even when the server's list of acceptable issuers does not name its CA.
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        if (TrustedRoots is { } roots)
        {
            ssl.RemoteCertificateValidationCallback = (_, serverCertificate, chain, errors) =>
                ValidateServerCertificate(roots, serverCertificate, chain, errors);
        }
    }

    /// <summary>
    /// Checks the server's certificate against <paramref name="roots"/> only (CustomRootTrust): the host
    /// name must match and the chain, with any intermediates the server sent, must end in one of them.
    /// Revocation is not checked (a private test CA publishes no CRL).
    /// </summary>
    public static bool ValidateServerCertificate(
        X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ClientCertificate?.Dispose();
        if (TrustedRoots is not null)
        {
            foreach (var root in TrustedRoots)
            {
                root.Dispose();
            }
        }
    }

    private static X509Certificate2Collection LoadRoots(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new UsageException($"cannot read --ca file \"{path}\": {ex.Message}", ex);
        }

        return roots.Count > 0
            ? roots
            : throw new UsageException($"--ca file \"{path}\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    private static X509Certificate2 LoadClientCertificate(string path, string? keyPath, Secret? password)
    {
        X509Certificate2 certificate;
        try
        {
            if (keyPath is null && IsPkcs12(path))
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password?.Reveal());
            }
            else if (password is not null)
            {
                certificate = X509Certificate2.CreateFromEncryptedPemFile(path, password.Reveal(), keyPath);
            }
            else
            {
                certificate = X509Certificate2.CreateFromPemFile(path, keyPath);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            // The messages name the file and the problem, never the password.
            var files = keyPath is null ? $"\"{path}\"" : $"\"{path}\" with key \"{keyPath}\"";
            throw new UsageException($"cannot load the client certificate {files}: {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new UsageException($"the client certificate \"{path}\" has no private key (give --cert-key)");
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key of a PEM import; a PKCS#12 round trip gives it a usable one.
            using var pem = certificate;
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return certificate;
    }

    private static bool IsPkcs12(string path)
    {
        var extension = Path.GetExtension(path);
        return extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase);
    }
}
