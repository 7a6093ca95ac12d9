using ELicense.V1;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Server.Verification;

/// <summary>Builds the freshness line every read response carries.</summary>
public static class FreshnessInfo
{
    public static Freshness Create(DataSource source, long asOfUnixMs, bool stale, DateTimeOffset now)
    {
        var asOf = DateTimeOffset.FromUnixTimeMilliseconds(asOfUnixMs);
        var age = now - asOf;
        return new Freshness
        {
            Source = source,
            AsOfTime = Timestamp.FromDateTimeOffset(asOf),
            Stale = stale,
            Age = Duration.FromTimeSpan(age < TimeSpan.Zero ? TimeSpan.Zero : age),
        };
    }
}
