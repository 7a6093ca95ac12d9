using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using GoogleDate = Google.Type.Date;

namespace ELicense.Inspector.Tests;

// Sample vehicle and roadside answers.
internal static partial class Samples
{
    public static Vehicle Car(string vehicleType = "K33") => new()
    {
        Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
        Vin = "LSVAU2180N2183294",
        OwnerName = "李娜",
        Model = "比亚迪 秦PLUS",
        VehicleType = vehicleType,
        Statuses = { VehicleStatus.Normal },
        InspectionValidUntilDate = new GoogleDate { Year = 2026, Month = 5, Day = 31 },
        InsuranceValidUntilDate = new GoogleDate { Year = 2025, Month = 12, Day = 31 },
    };

    /// <summary>The verified claims of a mark for <see cref="Car"/>.</summary>
    public static InspectionMarkInfo MarkInfo(string vehicleType = "K33") => new()
    {
        TokenId = "00112233445566778899aabbccddeeff",
        KeyId = "0011223344556677",
        Issuer = "ELicense",
        IssueTime = Timestamp.FromDateTimeOffset(Now.AddDays(-30)),
        ExpireTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8))),
        Mark = new InspectionMark
        {
            MarkNumber = "123456789012",
            Plate = new Plate { Number = "京A12345", Type = PlateType.Small },
            VehicleType = vehicleType,
            MaskedVin = "LSVAU2180N2*****4",
            InspectionValidUntilDate = new GoogleDate { Year = 2026, Month = 5, Day = 31 },
            IssuingOffice = "京A",
        },
    };

    /// <summary>A live roadside answer: a valid licence (C1), a valid vehicle of <paramref name="vehicleType"/>, and the match.</summary>
    public static CheckRoadsideResponse Roadside(string vehicleType = "K33") => new()
    {
        MayDrive = Core.Rules.VehicleEntitlement.Check("C1", vehicleType, Core.Rules.VehicleTypeCatalog.Default).IsEntitled,
        Message = "sample",
        LicenseCheck = Verify(Verdict.Valid),
        VehicleCheck = new VehicleCheck
        {
            Verdict = VehicleVerdict.Valid,
            Vehicle = Car(vehicleType),
            Violations = new ViolationSummary { UnprocessedCount = 1, UnprocessedPoints = 3, UnprocessedFineYuan = 200 },
            Freshness = Fresh(),
            Mark = MarkInfo(vehicleType),
        },
        Entitlement = Core.Rules.RoadsideRules.Entitlement("C1", vehicleType, Core.Rules.VehicleTypeCatalog.Default),
        VerifyTime = Timestamp.FromDateTimeOffset(Now),
    };
}
