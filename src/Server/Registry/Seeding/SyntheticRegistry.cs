using System.Globalization;
using ELicense.V1;
using static ELicense.Server.Registry.Seeding.SyntheticTables;
using ELicense.Core;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Registry.Seeding;

/// <summary>
/// Deterministic synthetic registry data: the i-th licence, vehicle or violation for a seed, with no
/// I/O and no clock (dates are relative to a given "today"). Every identifier validates: identity
/// numbers carry real area codes, real birth dates and the GB 11643 check character; VINs carry the
/// check digit; plates follow their type's format. Keys are unique per seed: licence numbers, plates
/// and VINs come from bijections of the index, so no two indexes collide.
/// </summary>
/// <remarks>
/// All of it is made up. A database seeded from it says so in its <c>meta</c> table (<c>synthetic = 1</c>).
/// </remarks>
public static partial class SyntheticRegistry
{
    /// <summary>The default seed of the seed command.</summary>
    public const int DefaultSeed = 20261125;

    private const ulong Multiplier = 2_654_435_761UL; // prime, larger than every key space below
    private const string SerialCharacters = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"; // 34: digits and letters without I, O
    private const string OfficeLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"; // 24: A-Z without I, O
    private const string VinCharacters = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"; // 33: no I, O, Q
    private const string ModelYearCharacters = "ABCDEFGHJKLMNPRS"; // model years 2010-2025
    private const string PlantCharacters = "0123456789ABCDEFGHJKLMNP"; // 24
    private const int PlateSerialSpace = 34 * 10_000; // one digit-or-letter and four digits

    private static readonly DateOnly BirthFirst = new(1950, 1, 1);
    private static readonly int BirthDays = new DateOnly(2006, 12, 31).DayNumber - BirthFirst.DayNumber + 1;
    private static readonly ulong LicenseSpace = (ulong)Areas.Length * (ulong)BirthDays * 1000UL;
    private static readonly ulong PlateSpace = (ulong)PlateNumber.Provinces.Length * (ulong)OfficeLetters.Length * PlateSerialSpace;
    private static readonly ulong VinSpace = (ulong)ModelYearCharacters.Length * (ulong)PlantCharacters.Length * 1_000_000UL;

    private enum Stream : ulong
    {
        LicenseKey = 1,
        LicenseAttributes,
        HolderName,
        PlateKey,
        PlateType,
        VinKey,
        VinAttributes,
        Owner,
        VehicleAttributes,
        ViolationCount,
        Violation,
    }

    /// <summary>The number of vehicles seeded along with <paramref name="licenseCount"/> licences (0.8 each).</summary>
    public static long VehicleCount(long licenseCount) => licenseCount * 4 / 5;

    /// <summary>A bijection of [0, space) (multiplication by a prime larger than the space, plus a seeded offset).</summary>
    private static ulong Permute(int seed, Stream stream, long index, ulong space)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if ((ulong)index >= space)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The synthetic key space holds {space} values.");
        }

        var offset = Rng.For(seed, stream, -1).Next() % space;
        return (ulong)((((UInt128)(ulong)index * Multiplier) + offset) % space);
    }

    /// <summary>SplitMix64, started from a hash of (seed, stream, index).</summary>
    private struct Rng
    {
        private ulong _state;

        public static Rng For(int seed, Stream stream, long index) => new()
        {
            _state = Mix(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ Mix(((ulong)stream << 56) ^ (ulong)index)),
        };

        public ulong Next()
        {
            _state += 0x9E3779B97F4A7C15UL;
            return Mix(_state);
        }

        /// <summary>Uniform in [0, n).</summary>
        public int Below(int n) => (int)((Next() >> 32) * (ulong)n >> 32);

        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
