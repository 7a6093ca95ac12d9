using ELicense.Server.Registry;
using ELicense.Server.Validation;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Date = Google.Type.Date;
using ELicense.Core.Identifiers;

namespace ELicense.Server.Tests.Registry;

/// <summary>A registry in its own temporary file, deleted (with its WAL files) on dispose.</summary>
internal sealed class TempRegistry : IDisposable
{
    private readonly List<SqliteRegistryStore> _stores = [];

    public TempRegistry()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "elicense-tests", Guid.NewGuid().ToString("N"), "registry.db");
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    public string Path { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public static async Task<(TempRegistry Registry, SqliteRegistryStore Store)> CreateAsync()
    {
        var registry = new TempRegistry();
        var store = registry.OpenStore();
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return (registry, store);
    }

    /// <summary>Another store on the same file, as a second server process would open it.</summary>
    public SqliteRegistryStore OpenStore(int busyTimeoutMs = 5000)
    {
        var store = new SqliteRegistryStore(Options.Create(new RegistryOptions { Path = Path, BusyTimeoutMs = busyTimeoutMs }), Time);
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>Valid test records.</summary>
internal static class Samples
{
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
