using ELicense.Server.Registry;
using ELicense.Server.Registry.Seeding;
using ELicense.Server.Validation;
using ELicense.V1;
using Xunit;
using ELicense.Core;
using ELicense.Core.Identifiers;
using ELicense.Core.Rules;

namespace ELicense.Server.Tests.Registry.Seeding;

public sealed class SyntheticRegistryTests
{
    private const int Seed = SyntheticRegistry.DefaultSeed;
    private const int Count = 10_000;
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly int[] AllowedPoints = [0, 1, 3, 6, 9, 12];

    [Fact]
    public void License_SameSeedAndIndex_IsIdentical()
    {
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(SyntheticRegistry.License(Seed, i, Today), SyntheticRegistry.License(Seed, i, Today));
            Assert.Equal(SyntheticRegistry.Vehicle(Seed, i, 100, Today), SyntheticRegistry.Vehicle(Seed, i, 100, Today));
            Assert.Equal(SyntheticRegistry.Violations(Seed, i, 100, Today), SyntheticRegistry.Violations(Seed, i, 100, Today));
        }
    }

    [Fact]
    public void LicenseNumber_DifferentSeeds_Differ()
    {
        var a = Enumerable.Range(0, 100).Select(i => SyntheticRegistry.LicenseNumber(1, i));
        var b = Enumerable.Range(0, 100).Select(i => SyntheticRegistry.LicenseNumber(2, i));

        Assert.Empty(a.Intersect(b));
    }

    [Fact]
    public void License_KeyHelpers_MatchGeneratedRecords()
    {
        for (var i = 0; i < 100; i++)
        {
            var license = SyntheticRegistry.License(Seed, i, Today);
            Assert.Equal(SyntheticRegistry.LicenseNumber(Seed, i), license.LicenseNumber);
            Assert.Equal(SyntheticRegistry.HolderName(Seed, i), license.HolderName);
            var vehicle = SyntheticRegistry.Vehicle(Seed, i, Count, Today);
            Assert.Equal(SyntheticRegistry.Plate(Seed, i), vehicle.Plate);
            Assert.Equal(SyntheticRegistry.Vin(Seed, i), vehicle.Vin);
            Assert.Equal(SyntheticRegistry.HolderName(Seed, SyntheticRegistry.VehicleOwner(Seed, i, Count)), vehicle.OwnerName);
        }
    }

    [Fact]
    public void Licenses_TenThousand_AllValidUniqueAndPlausible()
    {
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        var normal = 0;
        var c1 = 0;
        var longTerm = 0;
        var expired = 0;
        for (var i = 0; i < Count; i++)
        {
            var license = SyntheticRegistry.License(Seed, i, Today);
            Assert.True(IdentityNumber.IsValid(license.LicenseNumber), license.LicenseNumber);
            Assert.True(numbers.Add(license.LicenseNumber), "duplicate licence number");
            Assert.True(LicenseClasses.TryParse(license.LicenseClass, out _), license.LicenseClass);
            Assert.Matches("^[0-9]{12}$", license.FileNumber);
            Assert.InRange(license.HolderName.Length, 2, 3);
            Assert.NotEqual(LicenseStatus.Unspecified, license.Status);
            Assert.InRange(license.Points, 0, 12);
            Assert.Equal(license.Points == 12, license.Status == LicenseStatus.PointsExceeded);
            Assert.False(string.IsNullOrEmpty(license.IssuingAuthority));

            var birthYear = int.Parse(license.LicenseNumber.AsSpan(6, 4), provider: null);
            Assert.InRange(birthYear, 1950, 2006);
            var first = ToDateOnly(license.FirstIssueDate);
            var from = ToDateOnly(license.ValidFromDate);
            Assert.True(first <= from && from <= Today, license.LicenseNumber);
            if (license.ValidUntilDate is null)
            {
                longTerm++;
            }
            else
            {
                var until = ToDateOnly(license.ValidUntilDate);
                Assert.True(until > from);
                expired += until < Today ? 1 : 0;
            }

            normal += license.Status == LicenseStatus.Normal ? 1 : 0;
            c1 += license.LicenseClass == "C1" ? 1 : 0;
        }

        Assert.InRange(normal, Count * 94 / 100, Count * 98 / 100);
        Assert.InRange(c1, Count * 65 / 100, Count * 75 / 100);
        Assert.InRange(longTerm, 1, Count / 2);
        Assert.InRange(expired, 1, Count / 10);
    }

    [Fact]
    public void Vehicles_TenThousand_ValidUniquePlatesAndVins()
    {
        var plates = new HashSet<string>(StringComparer.Ordinal);
        var vins = new HashSet<string>(StringComparer.Ordinal);
        var types = new Dictionary<PlateType, int>();
        var abnormal = 0;
        var violations = 0;
        for (var i = 0; i < Count; i++)
        {
            var vehicle = SyntheticRegistry.Vehicle(Seed, i, Count, Today);
            Assert.True(PlateNumber.IsValid(vehicle.Plate.Number, vehicle.Plate.Type), RegistryKeys.Plate(vehicle.Plate));
            Assert.True(plates.Add(RegistryKeys.Plate(vehicle.Plate)), "duplicate plate");
            Assert.True(Vin.IsValid(vehicle.Vin), vehicle.Vin);
            Assert.True(vins.Add(vehicle.Vin), "duplicate VIN");
            Assert.NotNull(vehicle.InspectionValidUntilDate);
            Assert.NotNull(vehicle.InsuranceValidUntilDate);
            types[vehicle.Plate.Type] = types.GetValueOrDefault(vehicle.Plate.Type) + 1;
            abnormal += vehicle.Statuses.Count > 0 ? 1 : 0;

            foreach (var violation in SyntheticRegistry.Violations(Seed, i, Count, Today))
            {
                violations++;
                Assert.Equal(vehicle.Plate, violation.Plate);
                Assert.Contains(violation.Points, AllowedPoints);
                Assert.NotEqual(ViolationState.Unspecified, violation.State);
                Assert.True(violation.State == ViolationState.Unprocessed || IdentityNumber.IsValid(violation.LicenseNumber));
                Assert.True(violation.LicenseNumber.Length == 0 || IdentityNumber.IsValid(violation.LicenseNumber));
                Assert.True(violation.OccurTime.ToDateTimeOffset() <= new DateTimeOffset(Today.AddDays(1).ToDateTime(TimeOnly.MinValue), ELicense.Core.Dates.ChinaOffset));
            }
        }

        Assert.True(types[PlateType.Small] > Count / 2);
        Assert.True(types.GetValueOrDefault(PlateType.SmallNewEnergy) > 0);
        Assert.True(types.GetValueOrDefault(PlateType.Large) > 0);
        Assert.True(types.GetValueOrDefault(PlateType.LargeNewEnergy) > 0);
        Assert.InRange(abnormal, Count / 50, Count / 5);
        Assert.InRange(violations, Count * 13 / 10, Count * 17 / 10);
    }

    private static DateOnly ToDateOnly(Google.Type.Date date) => new(date.Year, date.Month, date.Day);
}
