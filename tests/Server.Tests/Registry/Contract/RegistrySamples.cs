using ELicense.Core.Identifiers;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Date = Google.Type.Date;

namespace ELicense.Server.Tests.Registry.Contract;

/// <summary>Valid test records.</summary>
internal static class RegistrySamples
{
    /// <summary>The fake clock start of the registry tests.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    public static string Id(string first17) => first17 + IdentityNumber.ComputeCheckCharacter(first17);

    public static readonly string HolderA = Id("11010519491231002");
    public static readonly string HolderB = Id("31010419900307123");

    public static readonly Plate PlateA = new() { Type = PlateType.Small, Number = "京A12345" };
    public static readonly Plate PlateB = new() { Type = PlateType.SmallNewEnergy, Number = "沪AD12345" };

    public const string VinA = "1M8GDM9AXKP042788";
    public const string VinB = "11111111111111111";

    public static License License(string number, int points = 0, bool longTerm = false)
    {
        var license = new License
        {
            LicenseNumber = number,
            FileNumber = "110100123456",
            HolderName = "测试甲",
            LicenseClass = "C1E",
            Status = LicenseStatus.Normal,
            FirstIssueDate = new Date { Year = 2012, Month = 3, Day = 1 },
            ValidFromDate = new Date { Year = 2018, Month = 3, Day = 1 },
            Points = points,
            IssuingAuthority = "北京市公安局公安交通管理局",
        };
        if (!longTerm)
        {
            license.ValidUntilDate = new Date { Year = 2028, Month = 3, Day = 1 };
        }

        return license;
    }

    public static Vehicle Vehicle(Plate plate, string vin, params VehicleStatus[] statuses)
    {
        var vehicle = new Vehicle
        {
            Plate = plate.Clone(),
            Vin = vin,
            OwnerName = "测试甲",
            Model = "比亚迪 秦PLUS",
            VehicleType = "K33",
            InspectionValidUntilDate = new Date { Year = 2027, Month = 6, Day = 30 },
            InsuranceValidUntilDate = new Date { Year = 2026, Month = 12, Day = 31 },
        };
        vehicle.Statuses.AddRange(statuses);
        return vehicle;
    }

    public static Violation Violation(Plate plate, DateTimeOffset occur, int points = 3, int fine = 200,
        string license = "", ViolationState state = ViolationState.Unprocessed) => new()
    {
        OccurTime = Timestamp.FromDateTimeOffset(occur),
        Place = "北京市东城区建国门内大街",
        Code = "1352",
        Description = "驾驶机动车行驶超过规定时速未达20%的",
        Points = points,
        FineYuan = fine,
        Plate = plate.Clone(),
        LicenseNumber = license,
        State = state,
        Source = string.IsNullOrEmpty(license) ? ViolationSource.Camera : ViolationSource.OnSite,
    };
}
