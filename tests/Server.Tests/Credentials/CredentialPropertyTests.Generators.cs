using CsCheck;
using ELicense.Core;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;
using ELicense.V1;
using ELicense.Core.Credentials;

namespace ELicense.Server.Tests.Credentials;

/// <summary>CsCheck generators of licences, issue times, lifetimes and mutated COSE messages.</summary>
public sealed partial class CredentialPropertyTests
{
    // ---------------------------------------------------------------- Generators

    private static readonly Gen<string> GenLicenseNumber =
        from area in Gen.Int[110000, 659999]
        from birth in Gen.Int[new DateOnly(1930, 1, 1).DayNumber, new DateOnly(2008, 12, 31).DayNumber]
        from sequence in Gen.Int[0, 999]
        let first17 = $"{area:D6}{DateOnly.FromDayNumber(birth):yyyyMMdd}{sequence:D3}"
        select first17 + IdentityNumber.ComputeCheckCharacter(first17);

    /// <summary>One "character" of a name: CJK (BMP and supplementary plane), Latin, or the middle dot of transliterated names.</summary>
    private static readonly Gen<string> GenNameElement = Gen.Frequency(
        (10, Gen.Char['\u4E00', '\u9FA5'].Select(c => c.ToString())),
        (2, Gen.Int[0x20000, 0x2A6DF].Select(char.ConvertFromUtf32)),
        (3, Gen.Char.AlphaNumeric.Select(c => c.ToString())),
        (1, Gen.Const("·")));

    private static readonly Gen<string> GenName = GenNameElement.Array[1, 20].Select(parts => string.Concat(parts));

    private static readonly Gen<string> GenLicenseClass = Gen.Frequency(
        (3, Gen.OneOf([.. LicenseClasses.All])),
        (1, Gen.Shuffle(LicenseClasses.All.ToArray(), 2, 3).Select(string.Concat)));

    private static readonly Gen<LicenseStatus> GenStatus = Gen.Frequency(
        (10, Gen.Enum<LicenseStatus>()),
        (1, Gen.Int[-1000, 1000].Select(i => (LicenseStatus)i))); // unknown values round-trip too

    private static readonly Gen<Google.Type.Date> GenDate =
        Gen.Int[new DateOnly(1990, 1, 1).DayNumber, new DateOnly(2060, 12, 31).DayNumber]
            .Select(day => DateOnly.FromDayNumber(day).ToProtoDate());

    private static readonly Gen<License> GenLicense =
        Gen.Select(GenLicenseNumber, GenName, GenLicenseClass, GenStatus, GenDate, GenDate.Null(), (number, name, licenseClass, status, from, until) =>
            new License
            {
                LicenseNumber = number,
                HolderName = name,
                LicenseClass = licenseClass,
                Status = status,
                ValidFromDate = from,
                ValidUntilDate = until,
            });

    /// <summary>Any instant (with sub-second ticks) in 2000-2090.</summary>
    private static readonly Gen<DateTimeOffset> GenIssueTime =
        Gen.Long[new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks, new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks]
            .Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    /// <summary>1 s to 10 min (the default maximum), to the tick.</summary>
    private static readonly Gen<TimeSpan> GenLifetime = Gen.Frequency(
        (8, Gen.Long[TimeSpan.TicksPerSecond, TimeSpan.FromMinutes(10).Ticks].Select(TimeSpan.FromTicks)),
        (1, Gen.OneOf(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10))));

    /// <summary>A credential of the pool, mutated: bit flips, insertions, deletions, truncation, or a splice of two credentials.</summary>
    private static readonly Gen<(PoolCredential Source, byte[] Bytes)> GenMutatedCose =
        from source in Gen.Int[0, PoolSize - 1].Select(i => Pool.Credentials[i])
        from other in Gen.Int[0, PoolSize - 1].Select(i => Pool.Credentials[i])
        from kind in Gen.Int[0, 4]
        from count in Gen.Int[1, 4]
        from positions in Gen.Int.Uniform.Array[count]
        from values in Gen.Byte.Array[count]
        select (source, Mutate(source.Cose, other.Cose, kind, positions, values));

    private static byte[] Mutate(byte[] cose, byte[] other, int kind, int[] positions, byte[] values)
    {
        var bytes = new List<byte>(cose);
        for (var i = 0; i < positions.Length; i++)
        {
            var p = (int)((uint)positions[i] % (uint)(bytes.Count + 1));
            switch (kind)
            {
                case 0 when p < bytes.Count: // flip one bit
                    bytes[p] ^= (byte)(1 << (values[i] % 8));
                    break;
                case 1: // insert a byte
                    bytes.Insert(p, values[i]);
                    break;
                case 2 when p < bytes.Count: // delete a byte
                    bytes.RemoveAt(p);
                    break;
                case 3: // truncate
                    return [.. bytes.Take(p)];
                case 4: // splice: the head of one credential on the tail of another
                    var q = (int)((uint)positions[(i + 1) % positions.Length] % (uint)(other.Length + 1));
                    return [.. bytes.Take(p), .. other.Skip(q)];
                default: // a position past the end for flips and deletions: overwrite the last byte instead
                    if (bytes.Count > 0)
                    {
                        bytes[^1] = values[i];
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>A random CBOR value: ints, text, bytes, simple values, arrays and maps (int and text keys), tags 18 and 61, to depth 5.</summary>
}
