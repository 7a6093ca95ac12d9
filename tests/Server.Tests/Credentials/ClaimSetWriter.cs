using System.Formats.Cbor;
using ELicense.Core;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// Writes a claim set entry by entry (Lax CBOR, so duplicates and other forms the issuer never writes
/// can be made), starting from exactly what the issuer writes for a mark, so each test changes one thing.
/// </summary>
internal sealed class ClaimSetWriter
{
    public const int MarkClaim = -65538, LicenseClaim = -65537;

    public List<(int Key, Action<CborWriter> Value)> Top { get; } = [];

    public List<(int Key, Action<CborWriter> Value)> Mark { get; } = [];

    /// <summary>The entries of <paramref name="claims"/> in the issuer's order.</summary>
    public static ClaimSetWriter Of(InspectionMarkClaims claims)
    {
        var set = new ClaimSetWriter();
        var m = claims.Mark;
        set.Top.AddRange([
            (1, w => w.WriteTextString(claims.Issuer)),
            (4, w => w.WriteInt64(claims.ExpiresAt.ToUnixTimeSeconds())),
            (6, w => w.WriteInt64(claims.IssuedAt.ToUnixTimeSeconds())),
            (7, w => w.WriteByteString(claims.TokenId)),
            (MarkClaim, set.WriteMark)]);
        set.Mark.AddRange([
            (1, w => w.WriteTextString(m.MarkNumber)),
            (2, w => w.WriteTextString(m.Plate.Number)),
            (3, w => w.WriteInt32((int)m.Plate.Type)),
            (4, w => w.WriteTextString(m.VehicleType)),
            (5, w => w.WriteTextString(m.MaskedVin)),
            (6, w => w.WriteInt32(Dates.ToEpochDay(m.InspectionValidUntilDate))),
            (7, w => w.WriteTextString(m.IssuingOffice))]);
        return set;
    }

    /// <summary>Replaces the value of every entry with <paramref name="key"/> in <paramref name="entries"/>.</summary>
    public static void Set(List<(int Key, Action<CborWriter> Value)> entries, int key, Action<CborWriter> value)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key == key)
            {
                entries[i] = (key, value);
            }
        }
    }

    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        WriteMap(writer, Top);
        return writer.Encode();
    }

    private void WriteMark(CborWriter writer) => WriteMap(writer, Mark);

    private static void WriteMap(CborWriter writer, List<(int Key, Action<CborWriter> Value)> entries)
    {
        writer.WriteStartMap(entries.Count);
        foreach (var (key, value) in entries)
        {
            writer.WriteInt32(key);
            value(writer);
        }

        writer.WriteEndMap();
    }
}
