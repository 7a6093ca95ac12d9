using System.Formats.Cbor;

namespace ELicense.Core.Credentials;

/// <summary>The registered CWT claims (RFC 8392) every document type carries, as decoded.</summary>
public readonly record struct RegisteredClaims(string Issuer, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, byte[] TokenId);

/// <summary>
/// The claim-set layout shared by every document type: one map of iss (1), exp (4), iat (6) and cti (7)
/// followed by one private-use claim holding the document's own data. One writer and one strict reader,
/// so the licence and the inspection mark cannot drift apart in how they treat hostile CBOR.
/// </summary>
public static class CwtClaimSet
{
    private const int ClaimIssuer = 1;
    private const int ClaimExpiration = 4;
    private const int ClaimIssuedAt = 6;
    private const int ClaimTokenId = 7;

    /// <summary>The longest text any claim may hold; longer is malformed.</summary>
    public const int MaxTextLength = 128;

    // A bound on map sizes (a signed claim set never needs more), and 9999-12-31, the DateTimeOffset limit.
    private const int MaxEntries = 16;
    private const long MaxSeconds = 253402300799;

    /// <summary>Writes the claim set: the registered claims, then <paramref name="documentClaim"/> with <paramref name="writeDocument"/>'s value.</summary>
    public static byte[] Encode(RegisteredClaims registered, int documentClaim, Action<CborWriter> writeDocument)
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(5);
        writer.WriteInt32(ClaimIssuer);
        writer.WriteTextString(registered.Issuer);
        writer.WriteInt32(ClaimExpiration);
        writer.WriteInt64(registered.ExpiresAt.ToUnixTimeSeconds());
        writer.WriteInt32(ClaimIssuedAt);
        writer.WriteInt64(registered.IssuedAt.ToUnixTimeSeconds());
        writer.WriteInt32(ClaimTokenId);
        writer.WriteByteString(registered.TokenId);
        writer.WriteInt32(documentClaim);
        writeDocument(writer);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>
    /// Decodes a claim set strictly: one top-level map, no duplicate keys, no trailing bytes, every
    /// registered claim present with the right type, and <paramref name="documentClaim"/> read by
    /// <paramref name="readDocument"/> (which returns null for an incomplete value). Unknown claims are
    /// skipped (CWT allows them). False when the bytes are not a complete claim set of this document type.
    /// </summary>
    public static bool TryDecode<TDocument>(ReadOnlyMemory<byte> cbor, int documentClaim, Func<CborReader, TDocument?> readDocument,
        out RegisteredClaims registered, out TDocument? document)
        where TDocument : class
    {
        (registered, document) = (default, null);
        try
        {
            var reader = new CborReader(cbor, CborConformanceMode.Strict);
            var ok = Read(reader, documentClaim, readDocument, out registered, out document);
            return ok && reader.BytesRemaining == 0;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            (registered, document) = (default, null);
            return false;
        }
    }

    /// <summary>Reads a map of integer keys with <paramref name="readEntry"/> (given each key); false when the count is unbounded or too large.</summary>
    public static bool ReadIntegerMap(CborReader reader, Action<int> readEntry)
    {
        var count = reader.ReadStartMap();
        if (count is null or > MaxEntries)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            readEntry(reader.ReadInt32());
        }

        reader.ReadEndMap();
        return true;
    }

    /// <summary>A text string of at most <see cref="MaxTextLength"/> characters; longer throws (and so is malformed).</summary>
    public static string ReadText(CborReader reader)
    {
        var text = reader.ReadTextString();
        return text.Length <= MaxTextLength ? text : throw new FormatException("Claim text too long.");
    }

    private static bool Read<TDocument>(CborReader reader, int documentClaim, Func<CborReader, TDocument?> readDocument,
        out RegisteredClaims registered, out TDocument? document)
        where TDocument : class
    {
        registered = default;
        document = null;
        string? issuer = null;
        long? exp = null, iat = null;
        byte[]? tokenId = null;
        var count = reader.ReadStartMap();
        if (count is null or > MaxEntries)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            {
                reader.SkipValue();
                reader.SkipValue();
                continue;
            }

            var key = reader.ReadInt32();
            switch (key)
            {
                case ClaimIssuer: issuer = ReadText(reader); break;
                case ClaimExpiration: exp = reader.ReadInt64(); break;
                case ClaimIssuedAt: iat = reader.ReadInt64(); break;
                case ClaimTokenId: tokenId = reader.ReadByteString(); break;
                default:
                    if (key == documentClaim)
                    {
                        document = readDocument(reader);
                    }
                    else
                    {
                        reader.SkipValue();
                    }

                    break;
            }
        }

        reader.ReadEndMap();
        if (issuer is null || exp is not (>= 0 and <= MaxSeconds) || iat is not (>= 0 and <= MaxSeconds)
            || tokenId is not { Length: CredentialClaims.TokenIdLength } || document is null)
        {
            return false;
        }

        registered = new RegisteredClaims(issuer, DateTimeOffset.FromUnixTimeSeconds(iat.Value), DateTimeOffset.FromUnixTimeSeconds(exp.Value), tokenId);
        return true;
    }
}
