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

    /// <summary>The claims as CBOR, in the issuer's one form.</summary>
    public byte[] Encode() => CwtClaimSet.Encode(new RegisteredClaims(Issuer, IssuedAt, ExpiresAt, TokenId), ClaimLicense, WriteSnapshot);

    /// <summary>
    /// Decodes claims strictly (see <see cref="CwtClaimSet.TryDecode{TDocument}"/>). Null when the bytes
    /// are not a well-formed licence claim set.
    /// </summary>
    public static CredentialClaims? TryDecode(ReadOnlyMemory<byte> cbor) =>
        CwtClaimSet.TryDecode(cbor, ClaimLicense, ReadSnapshot, out var registered, out var snapshot)
            ? new CredentialClaims(registered.Issuer, registered.IssuedAt, registered.ExpiresAt, registered.TokenId, snapshot!)
            : null;

    private void WriteSnapshot(CborWriter writer)
    {
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
    }

    private static CredentialSnapshot? ReadSnapshot(CborReader reader)
    {
        var snapshot = new CredentialSnapshot();
        var complete = CwtClaimSet.ReadIntegerMap(reader, key =>
        {
            switch (key)
            {
                case SnapshotNumber: snapshot.LicenseNumber = CwtClaimSet.ReadText(reader); break;
                case SnapshotName: snapshot.HolderName = CwtClaimSet.ReadText(reader); break;
                case SnapshotClass: snapshot.LicenseClass = CwtClaimSet.ReadText(reader); break;
                case SnapshotStatus: snapshot.Status = (LicenseStatus)reader.ReadInt32(); break;
                case SnapshotValidFrom: snapshot.ValidFromDate = Dates.FromEpochDay(reader.ReadInt32()); break;
                case SnapshotValidUntil: snapshot.ValidUntilDate = Dates.FromEpochDay(reader.ReadInt32()); break;
                default: reader.SkipValue(); break;
            }
        });
        return complete && snapshot.LicenseNumber.Length > 0 && snapshot.ValidFromDate is not null ? snapshot : null;
    }
}
