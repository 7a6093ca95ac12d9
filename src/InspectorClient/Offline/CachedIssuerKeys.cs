using System.Text.Json.Serialization;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ELicense.Core.Credentials;

namespace ELicense.Inspector.Offline;

/// <summary>One issuer key as cached on disk.</summary>
public sealed record CachedKey(
    string KeyId,
    string Algorithm,
    byte[] PublicKeySpki,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    bool Signing);

/// <summary>One document type's verification policy as the server published it (ListIssuerKeysResponse.document_policies).</summary>
public sealed record CachedDocumentPolicy(
    CredentialDocumentType DocumentType,
    string Prefix,
    int MaxPayloadLength,
    int MaxLifetimeSeconds);

/// <summary>
/// The answer of ListIssuerKeys as cached on disk, with when and where it was fetched.
/// <see cref="Policies"/> is null in a file written before servers published their policy; such a
/// cache still lists its keys, but the offline verifier confirms nothing with it (see <see cref="LicensePolicy"/>).
/// </summary>
public sealed record CachedIssuerKeys(
    DateTimeOffset FetchedAt,
    string Server,
    string Issuer,
    int MaxClockSkewSeconds,
    IReadOnlyList<CachedKey> Keys,
    IReadOnlyList<CachedDocumentPolicy>? Policies = null)
{
    /// <summary>
    /// The server's policy for licence credentials, or null with the reason in <paramref name="problem"/>
    /// when the cache holds none (an older server or an older cache file) or a policy that makes no sense.
    /// </summary>
    public CredentialPolicy? LicensePolicy(out string problem) => PolicyFor(CredentialDocumentType.DrivingLicense, out problem);

    /// <summary>
    /// The server's policy for inspection marks, or null with the reason in <paramref name="problem"/>: a cache
    /// fetched from a server that published none (one from before marks) confirms no mark offline.
    /// </summary>
    public CredentialPolicy? MarkPolicy(out string problem) => PolicyFor(CredentialDocumentType.InspectionMark, out problem);

    private CredentialPolicy? PolicyFor(CredentialDocumentType type, out string problem)
    {
        var published = Policies?.FirstOrDefault(p => p?.DocumentType == type);
        var what = type == CredentialDocumentType.InspectionMark ? "inspection-mark" : "credential";
        if (published is null)
        {
            problem = $"the cached issuer keys carry no {what} policy from the server (prefix, maximum length and lifetime)";
            return null;
        }

        var policy = new CredentialPolicy(
            type,
            published.Prefix ?? string.Empty,
            published.MaxPayloadLength,
            TimeSpan.FromSeconds(published.MaxLifetimeSeconds),
            TimeSpan.FromSeconds(Math.Clamp(MaxClockSkewSeconds, 0, 30)), // as the verifier always clamped it: a smaller skew only refuses more
            Issuer);
        problem = policy.Problem() is { } wrong ? $"the server's published {what} policy " + wrong : string.Empty;
        return problem.Length == 0 ? policy : null;
    }

    /// <summary>The cache entry for a fresh answer.</summary>
    public static CachedIssuerKeys From(ListIssuerKeysResponse response, Uri server, DateTimeOffset fetchedAt) => new(
        fetchedAt,
        server.ToString(),
        response.Issuer,
        response.MaxClockSkewSeconds,
        response.Keys.Select(k => new CachedKey(
            k.KeyId,
            k.Algorithm,
            k.PublicKeySpki.ToByteArray(),
            k.NotBeforeTime?.ToDateTimeOffset(),
            k.NotAfterTime?.ToDateTimeOffset(),
            k.Signing)).ToList(),
        response.DocumentPolicies.Select(p => new CachedDocumentPolicy(p.DocumentType, p.Prefix, p.MaxPayloadLength, p.MaxLifetimeSeconds)).ToList());

    /// <summary>The entry as the contract's message (for views that already render one).</summary>
    public ListIssuerKeysResponse ToResponse()
    {
        var response = new ListIssuerKeysResponse { Issuer = Issuer, MaxClockSkewSeconds = MaxClockSkewSeconds };
        response.Keys.AddRange(Keys.Select(k => new IssuerKey
        {
            KeyId = k.KeyId,
            Algorithm = k.Algorithm,
            PublicKeySpki = ByteString.CopyFrom(k.PublicKeySpki),
            NotBeforeTime = k.NotBefore is { } nb ? Timestamp.FromDateTimeOffset(nb) : null,
            NotAfterTime = k.NotAfter is { } na ? Timestamp.FromDateTimeOffset(na) : null,
            Signing = k.Signing,
        }));
        response.DocumentPolicies.AddRange((Policies ?? []).Select(p => new DocumentPolicy
        {
            DocumentType = p.DocumentType,
            Prefix = p.Prefix,
            MaxPayloadLength = p.MaxPayloadLength,
            MaxLifetimeSeconds = p.MaxLifetimeSeconds,
        }));
        return response;
    }
}

/// <summary>The JSON shapes of the handheld's files, generated at compile time.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CachedIssuerKeys))]
[JsonSerializable(typeof(List<QueuedCheck>))]
internal sealed partial class OfflineJson : JsonSerializerContext;
