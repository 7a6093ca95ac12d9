using CsCheck;
using ELicense.Core;
using ELicense.Core.Credentials;
using ELicense.Core.Masking;
using ELicense.Core.Rules;
using ELicense.Server.Credentials;
using ELicense.V1;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Credentials;

/// <summary>
/// Property-based tests (CsCheck) of the inspection mark: claims round-trip, tampering never verifies, the
/// masked VIN, the mark number and the expiry. A failing property prints a seed to replay (CsCheck_Seed).
/// </summary>
public sealed class MarkPropertyTests
{
    private const string VinAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"; // no I, O, Q

    private static readonly Gen<string> GenVin = Gen.String[Gen.Char[VinAlphabet], 17, 17];

    private static readonly Gen<PlateType> GenPlateType = Gen.OneOf([.. Enum.GetValues<PlateType>().Where(t => t != PlateType.Unspecified)]);

    private static readonly Gen<Plate> GenPlate =
        from province in Gen.Char["京沪津渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新"]
        from office in Gen.Char['A', 'Z']
        from serial in Gen.String[Gen.Char[VinAlphabet], 5, 6]
        from type in GenPlateType
        select new Plate { Number = $"{province}{office}{serial}", Type = type };

    /// <summary>An instant in 2000–2090 and a last valid day from that day to 800 days on (inside the mark policy).</summary>
    private static readonly Gen<(DateTimeOffset Now, DateOnly ValidUntil)> GenPeriod =
        from ticks in Gen.Long[new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks, new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks]
        from days in Gen.Int[0, 800]
        let now = new DateTimeOffset(ticks, TimeSpan.Zero)
        select (now, DateOnly.FromDateTime(now.ToOffset(Dates.ChinaOffset).DateTime).AddDays(days));

    private static readonly Gen<(Vehicle Vehicle, DateTimeOffset Now)> GenVehicle =
        from vin in GenVin
        from plate in GenPlate
        from type in Gen.Frequency((4, Gen.OneOf([.. VehicleTypeCatalog.Default.All.Select(t => t.Code)])), (1, Gen.Const("")))
        from period in GenPeriod
        select (new Vehicle { Vin = vin, Plate = plate, VehicleType = type, InspectionValidUntilDate = period.ValidUntil.ToProtoDate() }, period.Now);

    [Fact]
    public void EncodeThenTryDecode_AnyMark_IsTheSameClaims()
    {
        GenVehicle.Sample(t =>
        {
            var claims = InspectionMarks.ClaimsFor(t.Vehicle, "ELicense", t.Now)!;

            var decoded = InspectionMarkClaims.TryDecode(claims.Encode());

            Assert.NotNull(decoded);
            Assert.Equal(claims.Mark, decoded.Mark);
            Assert.Equal(claims.TokenId, decoded.TokenId);
            Assert.Equal((claims.Issuer, claims.IssuedAt, claims.ExpiresAt), (decoded.Issuer, decoded.IssuedAt, decoded.ExpiresAt));
            Assert.Equal(claims.Encode(), decoded.Encode()); // one claim set, one encoding
        }, iter: 5_000);
    }

    [Fact]
    public void Verify_AnySingleByteChangeOfASignedMark_NeverGenuine()
    {
        using var kit = new CredentialTestKit();
        var gen = from vehicle in GenVehicle
                  from position in Gen.Int.Uniform
                  from change in Gen.Byte[1, 255]
                  select (vehicle.Vehicle, vehicle.Now, position, change);
        gen.Sample(t =>
        {
            var claims = InspectionMarks.ClaimsFor(t.Vehicle, kit.Options.Value.Issuer, t.Now)!;
            var verifier = new MarkVerifier(kit.Ring, kit.Options, new FakeTimeProvider(t.Now));
            var mark = kit.IssueMark(claims);
            Assert.Equal(CredentialStatus.Genuine, verifier.Verify(mark).Status);
            var cose = CoseForge.DecodeCose(mark, CredentialPolicy.MarkPrefix);
            cose[(int)((uint)t.position % (uint)cose.Length)] ^= t.change;

            Assert.NotEqual(CredentialStatus.Genuine, verifier.Verify(CoseForge.Encode(cose, CredentialPolicy.MarkPrefix)).Status);
        }, iter: 2_000);
    }

    [Fact]
    public void VinMatches_AnyVinAgainstItsOwnMask_Matches()
    {
        GenVin.Sample(vin => Assert.True(Masks.VinMatches(Masks.Vin(vin), vin)), iter: 10_000);
    }

    [Fact]
    public void Vin_AnyVin_NeverShowsCharactersTwelveToSixteen()
    {
        Gen.Select(GenVin, GenVin).Sample((vin, other) =>
        {
            var masked = Masks.Vin(vin);
            Assert.Equal(17, masked.Length);
            Assert.Equal("*****", masked[11..16]);
            Assert.Equal(vin[..11] + "*****" + vin[16], masked);
            // Whatever the hidden serial was, the mask is the same: it cannot be read back.
            Assert.Equal(masked, Masks.Vin(vin[..11] + other[11..16] + vin[16]));
        }, iter: 10_000);
    }

    [Fact]
    public void VinMatches_VinsDifferingInAKeptPosition_NeverMatch()
    {
        var gen = from vin in GenVin
                  from position in Gen.OneOf([.. Enumerable.Range(0, 11), 16])
                  from replacement in Gen.Char[VinAlphabet]
                  where vin[position] != replacement
                  select (vin, position, replacement);
        gen.Sample(t =>
        {
            var other = string.Concat(t.vin[..t.position], t.replacement.ToString(), t.vin[(t.position + 1)..]);
            Assert.False(Masks.VinMatches(Masks.Vin(t.vin), other));
            Assert.False(Masks.VinMatches(Masks.Vin(other), t.vin));
        }, iter: 10_000);
    }

    [Fact]
    public void Number_AnyVinAndPeriod_IsDeterministicAndTwelveDigits()
    {
        Gen.Select(GenVin, GenPeriod).Sample((vin, period) =>
        {
            var number = InspectionMarks.Number(vin, period.ValidUntil);
            Assert.Equal(InspectionMarks.NumberLength, number.Length);
            Assert.All(number, c => Assert.InRange(c, '0', '9'));
            Assert.Equal(number, InspectionMarks.Number(vin, period.ValidUntil));
            Assert.Equal(number, InspectionMarks.Number(string.Concat(vin), DateOnly.FromDayNumber(period.ValidUntil.DayNumber)));
        }, iter: 10_000);
    }

    [Fact]
    public void ExpiresAt_AnyLastValidDay_IsTheNextDaysStartInChinaTime()
    {
        Gen.Int[new DateOnly(2000, 1, 1).DayNumber, new DateOnly(2090, 12, 31).DayNumber].Sample(dayNumber =>
        {
            var validUntil = DateOnly.FromDayNumber(dayNumber);

            var expires = InspectionMarks.ExpiresAt(validUntil);

            Assert.Equal(TimeSpan.FromHours(8), expires.Offset);
            Assert.Equal(validUntil.AddDays(1).ToDateTime(TimeOnly.MinValue), expires.DateTime);
            Assert.Equal(validUntil, DateOnly.FromDateTime(expires.AddTicks(-1).DateTime)); // the last tick is still on the valid day
            Assert.Equal(16, expires.UtcDateTime.Hour);                                   // 16:00 UTC the day before
        }, iter: 10_000);
    }
}
