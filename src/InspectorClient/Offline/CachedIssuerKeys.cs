using System.Text.Json.Serialization;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Inspector.Offline;

/// <summary>One issuer key as cached on disk.</summary>
public sealed record CachedKey(
    string KeyId,
    string Algorithm,
    byte[] PublicKeySpki,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    bool Signing);

/// <summary>The answer of ListIssuerKeys as cached on disk, with when and where it was fetched.</summary>
public sealed record CachedIssuerKeys(
    DateTimeOffset FetchedAt,
    string Server,
    string Issuer,
    int MaxClockSkewSeconds,
    IReadOnlyList<CachedKey> Keys)
{
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
            k.Signing)).ToList());

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
        return response;
    }
}

/// <summary>The JSON shapes of the handheld's files, generated at compile time.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CachedIssuerKeys))]
[JsonSerializable(typeof(List<QueuedCheck>))]
internal sealed partial class OfflineJson : JsonSerializerContext;
