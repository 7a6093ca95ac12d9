using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Security;

/// <summary>Finds the caller behind an API key or a client certificate. Built once from configuration.</summary>
public sealed class CallerDirectory : IDisposable
{
    private readonly FrozenDictionary<string, Caller> _byKeyHash;
    private readonly FrozenDictionary<string, Caller> _byThumbprint;
    private readonly X509Certificate2Collection _clientCa = [];
    private readonly ConcurrentDictionary<string, Caller> _verifiedKeys = new(StringComparer.Ordinal);

    // Kestrel hands every request of a TLS connection the same certificate object: a chain built once
    // per connection serves all its calls. Weak keys: an entry goes with its connection.
    private readonly ConditionalWeakTable<X509Certificate2, VerifiedCertificate> _verifiedCertificates = new();
    private readonly TimeProvider _time;

    /// <summary>How long a verified certificate is trusted before its chain is built again.</summary>
    internal static readonly TimeSpan CertificateRecheck = TimeSpan.FromMinutes(5);

    public CallerDirectory(IOptions<AuthOptions> options, TimeProvider time)
    {
        _time = time;
        var auth = options.Value;
        var callers = auth.Clients.Select(c => (Options: c, Caller: new Caller(
            c.Id,
            c.Roles.ToFrozenSet(StringComparer.Ordinal),
            c.RateLimit ?? c.Roles.Select(r => auth.RoleRateLimits.GetValueOrDefault(r, 10)).DefaultIfEmpty(10).Max(),
            c.LicenseNumber))).ToList();
        _byKeyHash = callers
            .Where(c => c.Options.KeyHash is { Length: > 0 } || c.Options.Key is { Length: > 0 })
            .ToFrozenDictionary(c => c.Options.KeyHash?.ToLowerInvariant() ?? ClientOptions.HashKey(c.Options.Key!), c => c.Caller, StringComparer.Ordinal);
        _byThumbprint = callers
            .Where(c => c.Options.CertificateThumbprint is { Length: > 0 })
            .ToFrozenDictionary(c => AuthOptionsValidator.NormalizeThumbprint(c.Options.CertificateThumbprint!), c => c.Caller, StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(auth.ClientCaPath))
        {
            _clientCa.ImportFromPemFile(auth.ClientCaPath);
        }
    }

    public IEnumerable<Caller> All => _byKeyHash.Values.Concat(_byThumbprint.Values).DistinctBy(c => c.Id);

    /// <summary>
    /// The caller owning <paramref name="apiKey"/>. Keys are compared by their SHA-256, so the lookup
    /// time says nothing about how close a guess was, and the configuration never needs the clear key.
    /// </summary>
    public Caller? FindByKey(ReadOnlySpan<char> apiKey)
    {
        if (apiKey.IsEmpty || apiKey.Length > 256)
        {
            return null;
        }

        // Keys already verified skip the hash: SHA-256 on every call cost a measurable share of the
        // cheapest RPCs. String hashing is randomised per process and equality only runs on a full
        // hash match, so the lookup leaks nothing a guesser could use. Only valid keys are kept, so the
        // cache is as small as the client list.
        if (_verifiedKeys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(apiKey, out var known))
        {
            return known;
        }

        var found = FindByKeyHash(apiKey);
        if (found is not null && _verifiedKeys.Count < 4 * _byKeyHash.Count)
        {
            _verifiedKeys.TryAdd(apiKey.ToString(), found);
        }

        return found;
    }

    private Caller? FindByKeyHash(ReadOnlySpan<char> apiKey)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(apiKey.Length)];
        var length = Encoding.UTF8.GetBytes(apiKey, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return _byKeyHash.TryGetValue(Convert.ToHexStringLower(hash), out var caller) ? caller : null;
    }

    /// <summary>The caller owning <paramref name="certificate"/>, if it chains to the configured client CA.</summary>
    public Caller? FindByCertificate(X509Certificate2 certificate)
    {
        if (_clientCa.Count == 0)
        {
            return null;
        }

        // Only successes are kept, re-checked after a while and never past the certificate's own expiry.
        var now = _time.GetUtcNow();
        if (_verifiedCertificates.TryGetValue(certificate, out var verified) && now < verified.Until)
        {
            return verified.Caller;
        }

        var found = VerifyCertificate(certificate);
        if (found is not null)
        {
            var expiry = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
            var until = now + CertificateRecheck < expiry ? now + CertificateRecheck : expiry;
            _verifiedCertificates.AddOrUpdate(certificate, new VerifiedCertificate(found, until));
        }
        else
        {
            _verifiedCertificates.Remove(certificate);
        }

        return found;
    }

    /// <summary>Chains built so far (tests: the per-connection cache).</summary>
    internal int ChainBuilds => Volatile.Read(ref _chainBuilds);

    private int _chainBuilds;

    private Caller? VerifyCertificate(X509Certificate2 certificate)
    {
        var thumbprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        if (!_byThumbprint.TryGetValue(thumbprint, out var caller))
        {
            return null;
        }

        Interlocked.Increment(ref _chainBuilds);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_clientCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true; // never fetch anything a client's certificate points at
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2")); // client authentication
        return chain.Build(certificate) ? caller : null;
    }

    private sealed record VerifiedCertificate(Caller Caller, DateTimeOffset Until);

    public void Dispose()
    {
        foreach (var certificate in _clientCa)
        {
            certificate.Dispose();
        }
    }
}
