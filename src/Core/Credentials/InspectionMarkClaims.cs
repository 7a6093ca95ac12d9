using System.Formats.Cbor;
using ELicense.V1;

namespace ELicense.Core.Credentials;

/// <summary>
/// The CWT claims of an electronic inspection mark: the registered iss, exp, iat and cti, as on the licence
/// credential, plus one private claim (another key than the licence's, so neither document's claims parse
/// as the other's) holding the signed vehicle data as a small integer-keyed map.
/// </summary>
public sealed record InspectionMarkClaims(
    string Issuer,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    byte[] TokenId,
    InspectionMark Mark) : ISignedClaims
{
    /// <summary>Private-use claim key of the mark; the licence's is -65537.</summary>
    private const int ClaimMark = -65538;

    private const int MarkNumber = 1;
    private const int MarkPlateNumber = 2;
    private const int MarkPlateType = 3;
    private const int MarkVehicleType = 4;
    private const int MarkMaskedVin = 5;
    private const int MarkValidUntil = 6;
    private const int MarkOffice = 7;

    /// <summary>The claims as CBOR, in the issuer's one form.</summary>
    public byte[] Encode() => CwtClaimSet.Encode(new RegisteredClaims(Issuer, IssuedAt, ExpiresAt, TokenId), ClaimMark, WriteMark);

    /// <summary>
    /// Decodes claims strictly (see <see cref="CwtClaimSet.TryDecode{TDocument}"/>). Null when the bytes are
    /// not a complete mark claim set (a licence's claims are not one).
    /// </summary>
    public static InspectionMarkClaims? TryDecode(ReadOnlyMemory<byte> cbor) =>
        CwtClaimSet.TryDecode(cbor, ClaimMark, ReadMark, out var registered, out var mark)
            ? new InspectionMarkClaims(registered.Issuer, registered.IssuedAt, registered.ExpiresAt, registered.TokenId, mark!)
            : null;

    private void WriteMark(CborWriter writer)
    {
        writer.WriteStartMap(7);
        writer.WriteInt32(MarkNumber);
        writer.WriteTextString(Mark.MarkNumber);
        writer.WriteInt32(MarkPlateNumber);
        writer.WriteTextString(Mark.Plate?.Number ?? "");
        writer.WriteInt32(MarkPlateType);
        writer.WriteInt32((int)(Mark.Plate?.Type ?? PlateType.Unspecified));
        writer.WriteInt32(MarkVehicleType);
        writer.WriteTextString(Mark.VehicleType);
        writer.WriteInt32(MarkMaskedVin);
        writer.WriteTextString(Mark.MaskedVin);
        writer.WriteInt32(MarkValidUntil);
        writer.WriteInt32(Dates.ToEpochDay(Mark.InspectionValidUntilDate));
        writer.WriteInt32(MarkOffice);
        writer.WriteTextString(Mark.IssuingOffice);
        writer.WriteEndMap();
    }

    private static InspectionMark? ReadMark(CborReader reader)
    {
        var mark = new InspectionMark { Plate = new Plate() };
        var complete = CwtClaimSet.ReadIntegerMap(reader, key =>
        {
            switch (key)
            {
                case MarkNumber: mark.MarkNumber = CwtClaimSet.ReadText(reader); break;
                case MarkPlateNumber: mark.Plate.Number = CwtClaimSet.ReadText(reader); break;
                case MarkPlateType: mark.Plate.Type = (PlateType)reader.ReadInt32(); break;
                case MarkVehicleType: mark.VehicleType = CwtClaimSet.ReadText(reader); break;
                case MarkMaskedVin: mark.MaskedVin = CwtClaimSet.ReadText(reader); break;
                case MarkValidUntil: mark.InspectionValidUntilDate = Dates.FromEpochDay(reader.ReadInt32()); break;
                case MarkOffice: mark.IssuingOffice = CwtClaimSet.ReadText(reader); break;
                default: reader.SkipValue(); break;
            }
        });
        // Without a number, a plate of a known type and the validity the mark names no vehicle and no period: not a mark.
        return complete && mark.MarkNumber.Length > 0 && mark.Plate.Number.Length > 0
               && mark.Plate.Type != PlateType.Unspecified && Enum.IsDefined(mark.Plate.Type) && mark.InspectionValidUntilDate is not null
            ? mark
            : null;
    }
}
