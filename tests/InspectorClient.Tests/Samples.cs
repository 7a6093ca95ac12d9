using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using GoogleDate = Google.Type.Date;

namespace ELicense.Inspector.Tests;

/// <summary>Sample responses and a fixed clock in UTC.</summary>
internal static partial class Samples
{
    public const string LicenseNumber = "11010119900307803X";
    public const string MaskedNumber = "110101********803X";

    public static readonly DateTimeOffset Now = new(2025, 3, 1, 8, 30, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock()
    {
        var clock = new FakeTimeProvider(Now);
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        return clock;
    }

    public static License License(LicenseStatus status = LicenseStatus.Normal, int points = 3) => new()
    {
        LicenseNumber = LicenseNumber,
        FileNumber = "110100123456",
        HolderName = "张伟",
        LicenseClass = "C1",
        Status = status,
        FirstIssueDate = new GoogleDate { Year = 2012, Month = 5, Day = 20 },
        ValidFromDate = new GoogleDate { Year = 2018, Month = 5, Day = 20 },
        ValidUntilDate = new GoogleDate { Year = 2028, Month = 5, Day = 20 },
        Points = points,
        IssuingAuthority = "北京市公安局公安交通管理局",
    };

    public static Freshness Fresh(bool stale = false) => new()
    {
        Source = stale ? DataSource.Memory : DataSource.Redis,
        AsOfTime = Timestamp.FromDateTimeOffset(Now.AddSeconds(-1.2)),
        Age = Duration.FromTimeSpan(TimeSpan.FromSeconds(stale ? 754 : 1.2)),
        Stale = stale,
    };

    public static CredentialInfo Credential() => new()
    {
        TokenId = "a1b2c3d4e5f60718",
        KeyId = "k2025a",
        Issuer = "elicense.example",
        IssueTime = Timestamp.FromDateTimeOffset(Now.AddSeconds(-30)),
        ExpireTime = Timestamp.FromDateTimeOffset(Now.AddSeconds(150)),
    };

    public static VerifyCredentialResponse Verify(Verdict verdict, License? license = null) => new()
    {
        Verdict = verdict,
        License = license ?? License(),
        Violations = new ViolationSummary { UnprocessedCount = 2, UnprocessedPoints = 6, UnprocessedFineYuan = 400 },
        Freshness = Fresh(),
        Credential = Credential(),
        ReplayCheck = ReplayCheck.Shared,
        VerifyTime = Timestamp.FromDateTimeOffset(Now),
    };
}
