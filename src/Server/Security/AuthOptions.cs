using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Security;

/// <summary>Configuration section "Auth": who may call, with which roles and limits.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The callers. Every RPC except health needs one of them.</summary>
    public List<ClientOptions> Clients { get; set; } = [];

    /// <summary>
    /// PEM file of the CA that signs client certificates (mutual TLS). Certificates are accepted only if
    /// they chain to it and their SHA-256 thumbprint is configured for a client.
    /// </summary>
    public string? ClientCaPath { get; set; }

    /// <summary>Requests per second per caller by role, when the client names no limit of its own; the highest of its roles wins.</summary>
    public Dictionary<string, double> RoleRateLimits { get; set; } = new(StringComparer.Ordinal)
    {
        [Roles.Officer] = 500,
        [Roles.Transfer] = 50,
        [Roles.Registry] = 1000,
        [Roles.Holder] = 5,
    };

    /// <summary>Most messages one VerifyCredentials stream may carry; a checkpoint opens a new stream after that.</summary>
    public int MaxStreamMessages { get; set; } = 100_000;

    /// <summary>
    /// Most <c>grpc.health.v1.Health/Watch</c> streams open at once on this server. Health is anonymous and
    /// a Watch stays open until the client leaves, so without a bound anyone could hold memory per stream
    /// across any number of connections; probes and load balancers need a handful.
    /// </summary>
    public int MaxHealthWatches { get; set; } = 1000;
}

/// <summary>One caller.</summary>
public sealed class ClientOptions
{
    /// <summary>The caller's id, as it appears in the audit trail (e.g. "bj-dongcheng-traffic-unit-3").</summary>
    public string Id { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the API key. Production configuration holds only this.</summary>
    public string? KeyHash { get; set; }

    /// <summary>The API key itself, for tests and demos only.</summary>
    public string? Key { get; set; }

    /// <summary>SHA-256 thumbprint (hex) of the caller's client certificate, for mutual TLS.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Roles: officer, transfer, registry, holder.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Requests per second for this caller; unset means the highest role default.</summary>
    public double? RateLimit { get; set; }

    /// <summary>For a holder: the licence number it acts for (its own).</summary>
    public string? LicenseNumber { get; set; }

    /// <summary>The lowercase hex SHA-256 of an API key: what <see cref="KeyHash"/> holds.</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

/// <summary>Fails start-up on a configuration that would let a caller in by mistake or lock everyone out silently.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>Lower-case hex without separators: fingerprints are pasted with colons, spaces or invisible marks.</summary>
    public static string NormalizeThumbprint(string thumbprint) =>
        new([.. thumbprint.Where(char.IsAsciiHexDigit).Select(char.ToLowerInvariant)]);

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var at = $"Auth:Clients:{i}";
            if (string.IsNullOrWhiteSpace(client.Id) || client.Id.Length > 64)
            {
                errors.Add($"{at}:Id is required (at most 64 characters).");
            }
            else if (!ids.Add(client.Id))
            {
                errors.Add($"{at}:Id '{client.Id}' is used twice.");
            }
            else if (client.Id.StartsWith(Auditing.AuditSubjects.AnonymousPrefix, StringComparison.OrdinalIgnoreCase))
            {
                // The audit trail records refused strangers as "anonymous:<peer hash>": no caller may pass for one.
                errors.Add($"{at}:Id must not start with '{Auditing.AuditSubjects.AnonymousPrefix}'.");
            }

            var credentials = (client.KeyHash is { Length: > 0 } ? 1 : 0) + (client.Key is { Length: > 0 } ? 1 : 0);
            if (credentials > 1)
            {
                errors.Add($"{at}: give KeyHash or Key, not both.");
            }

            if (credentials == 0 && string.IsNullOrWhiteSpace(client.CertificateThumbprint))
            {
                errors.Add($"{at}: needs a KeyHash, a Key or a CertificateThumbprint.");
            }

            if (client.KeyHash is { Length: > 0 } hash && (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit)))
            {
                errors.Add($"{at}:KeyHash must be 64 hex digits (SHA-256 of the key).");
            }

            if (client.CertificateThumbprint is { Length: > 0 } thumbprint)
            {
                if (NormalizeThumbprint(thumbprint) is not { Length: 64 } normalized || !normalized.All(char.IsAsciiHexDigit))
                {
                    errors.Add($"{at}:CertificateThumbprint must be the certificate's SHA-256 fingerprint: 64 hex digits (colons and spaces allowed).");
                }
                else if (string.IsNullOrWhiteSpace(options.ClientCaPath))
                {
                    errors.Add($"{at}:CertificateThumbprint needs Auth:ClientCaPath, the CA client certificates must chain to.");
                }
            }

            if (client.Key is { Length: > 0 and < 16 })
            {
                errors.Add($"{at}:Key must be at least 16 characters.");
            }

            if (client.Roles.Count == 0 || client.Roles.Any(r => !Roles.All.Contains(r)))
            {
                errors.Add($"{at}:Roles must name one or more of {string.Join(", ", Roles.All)}.");
            }

            if (client.Roles.Contains(Roles.Holder) && !IdentityNumber.IsValid(client.LicenseNumber ?? ""))
            {
                errors.Add($"{at}: a holder needs the LicenseNumber it acts for.");
            }

            if (client.RateLimit is <= 0)
            {
                errors.Add($"{at}:RateLimit must be positive.");
            }
        }

        if (options.MaxStreamMessages < 1)
        {
            errors.Add("Auth:MaxStreamMessages must be positive.");
        }

        if (options.MaxHealthWatches < 0)
        {
            errors.Add("Auth:MaxHealthWatches must be zero (no Watch) or positive.");
        }

        // The same credential for two callers would make the audit trail name the wrong one.
        if (options.Clients
                .Select(c => c.KeyHash is { Length: > 0 } h ? h.ToLowerInvariant() : c.Key is { Length: > 0 } k ? ClientOptions.HashKey(k) : null)
                .Where(h => h is not null).GroupBy(h => h).Any(g => g.Count() > 1))
        {
            errors.Add("Two callers share one API key (or key hash): give each its own.");
        }

        foreach (var duplicate in options.Clients.Where(c => c.CertificateThumbprint is { Length: > 0 })
                     .GroupBy(c => NormalizeThumbprint(c.CertificateThumbprint!)).Where(g => g.Count() > 1))
        {
            errors.Add($"Two callers share the certificate thumbprint {duplicate.Key}.");
        }

        if (!string.IsNullOrWhiteSpace(options.ClientCaPath) && !File.Exists(options.ClientCaPath))
        {
            errors.Add($"Auth:ClientCaPath {options.ClientCaPath} does not exist.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
