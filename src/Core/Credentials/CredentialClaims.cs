using System.Formats.Cbor;
using ELicense.V1;

namespace ELicense.Core.Credentials;

/// <summary>
/// The CBOR Web Token (RFC 8392) claims of a credential: the registered iss, exp, iat and cti, plus one
/// private claim holding the licence snapshot as a small integer-keyed map, so the QR stays small.
/// </summary>
public sealed record CredentialClaims(
    string Issuer,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    byte[] TokenId,
    CredentialSnapshot Snapshot) : ISignedClaims
{
    private const int ClaimIssuer = 1;
    private const int ClaimExpiration = 4;
    private const int ClaimIssuedAt = 6;
    private const int ClaimTokenId = 7;

    /// <summary>Private-use claim key (RFC 8392 reserves keys below -65536 for private use).</summary>
    private const int ClaimLicense = -65537;

    private const int SnapshotNumber = 1;
    private const int SnapshotName = 2;
    private const int SnapshotClass = 3;
    private const int SnapshotStatus = 4;
    private const int SnapshotValidFrom = 5;
    private const int SnapshotValidUntil = 6;

    /// <summary>Token ids are 16 random bytes: collisions are out of reach at any realistic issue rate.</summary>
    public const int TokenIdLength = 16;

    private const int MaxTextLength = 128;

    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(5);
        writer.WriteInt32(ClaimIssuer);
        writer.WriteTextString(Issuer);
        writer.WriteInt32(ClaimExpiration);
        writer.WriteInt64(ExpiresAt.ToUnixTimeSeconds());
        writer.WriteInt32(ClaimIssuedAt);
        writer.WriteInt64(IssuedAt.ToUnixTimeSeconds());
        writer.WriteInt32(ClaimTokenId);
        writer.WriteByteString(TokenId);
        writer.WriteInt32(ClaimLicense);
        var hasUntil = Snapshot.ValidUntilDate is not null;
        writer.WriteStartMap(hasUntil ? 6 : 5);
        writer.WriteInt32(SnapshotNumber);
        writer.WriteTextString(Snapshot.LicenseNumber);
        writer.WriteInt32(SnapshotName);
        writer.WriteTextString(Snapshot.HolderName);
        writer.WriteInt32(SnapshotClass);
        writer.WriteTextString(Snapshot.LicenseClass);
        writer.WriteInt32(SnapshotStatus);
        writer.WriteInt32((int)Snapshot.Status);
        writer.WriteInt32(SnapshotValidFrom);
        writer.WriteInt32(Dates.ToEpochDay(Snapshot.ValidFromDate));
        if (hasUntil)
        {
            writer.WriteInt32(SnapshotValidUntil);
            writer.WriteInt32(Dates.ToEpochDay(Snapshot.ValidUntilDate));
        }

        writer.WriteEndMap();
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>
    /// Decodes claims strictly: one top-level map, no duplicate keys, no trailing bytes, every required
    /// claim present with the right type. Unknown claims are skipped (CWT allows them). Null when the
    /// bytes are not a well-formed claim set.
    /// </summary>
    public static CredentialClaims? TryDecode(ReadOnlyMemory<byte> cbor)
    {
        try
        {
            var reader = new CborReader(cbor, CborConformanceMode.Strict);
            var claims = ReadClaims(reader);
            return reader.BytesRemaining == 0 ? claims : null;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    private static CredentialClaims? ReadClaims(CborReader reader)
    {
        string? issuer = null;
        long? exp = null, iat = null;
        byte[]? tokenId = null;
        CredentialSnapshot? snapshot = null;
        var count = reader.ReadStartMap();
        if (count is null or > 16)
        {
            return null;
        }

        for (var i = 0; i < count; i++)
        {
            if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            {
                reader.SkipValue();
                reader.SkipValue();
                continue;
            }

            switch (reader.ReadInt32())
            {
                case ClaimIssuer: issuer = ReadText(reader); break;
                case ClaimExpiration: exp = reader.ReadInt64(); break;
                case ClaimIssuedAt: iat = reader.ReadInt64(); break;
                case ClaimTokenId: tokenId = reader.ReadByteString(); break;
                case ClaimLicense: snapshot = ReadSnapshot(reader); break;
                default: reader.SkipValue(); break;
            }
        }

        reader.ReadEndMap();
        const long maxSeconds = 253402300799; // 9999-12-31, the DateTimeOffset limit
        if (issuer is null || exp is not (>= 0 and <= maxSeconds) || iat is not (>= 0 and <= maxSeconds)
            || tokenId is not { Length: TokenIdLength } || snapshot is null)
        {
            return null;
        }

        return new CredentialClaims(issuer, DateTimeOffset.FromUnixTimeSeconds(iat.Value),
            DateTimeOffset.FromUnixTimeSeconds(exp.Value), tokenId, snapshot);
    }

    private static CredentialSnapshot? ReadSnapshot(CborReader reader)
    {
        var count = reader.ReadStartMap();
        if (count is null or > 16)
        {
            return null;
        }

        var snapshot = new CredentialSnapshot();
        for (var i = 0; i < count; i++)
        {
            switch (reader.ReadInt32())
            {
                case SnapshotNumber: snapshot.LicenseNumber = ReadText(reader); break;
                case SnapshotName: snapshot.HolderName = ReadText(reader); break;
                case SnapshotClass: snapshot.LicenseClass = ReadText(reader); break;
                case SnapshotStatus: snapshot.Status = (LicenseStatus)reader.ReadInt32(); break;
                case SnapshotValidFrom: snapshot.ValidFromDate = Dates.FromEpochDay(reader.ReadInt32()); break;
                case SnapshotValidUntil: snapshot.ValidUntilDate = Dates.FromEpochDay(reader.ReadInt32()); break;
                default: reader.SkipValue(); break;
            }
        }

        reader.ReadEndMap();
        return snapshot.LicenseNumber.Length > 0 && snapshot.ValidFromDate is not null ? snapshot : null;
    }

    private static string ReadText(CborReader reader)
    {
        var text = reader.ReadTextString();
        return text.Length <= MaxTextLength ? text : throw new FormatException("Claim text too long.");
    }
}
