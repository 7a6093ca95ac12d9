using ELicense.Server.Caching;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;

namespace ELicense.Server.Verification;

/// <summary>Builds the freshness line every read response carries.</summary>
public static class FreshnessInfo
{
    /// <param name="bound">
    /// How far the data may lag the registry and how invalidations reach this replica, decided by the
    /// cache when it chose to answer from a copy (<see cref="FreshnessBound.JustRead"/> for a registry read).
    /// </param>
    public static Freshness Create(DataSource source, long asOfUnixMs, bool stale, DateTimeOffset now, FreshnessBound bound)
    {
        var asOf = DateTimeOffset.FromUnixTimeMilliseconds(asOfUnixMs);
        var age = now - asOf;
        return new Freshness
        {
            Source = source,
            AsOfTime = Timestamp.FromDateTimeOffset(asOf),
            Stale = stale,
            Age = Duration.FromTimeSpan(age < TimeSpan.Zero ? TimeSpan.Zero : age),
            MaxLag = Duration.FromTimeSpan(bound.MaxLag),
            Invalidation = bound.Path,
        };
    }
}
