using ELicense.V1;

namespace ELicense.Server.Caching;

/// <summary>A value read through the cache, with where it came from and how far it may lag the registry.</summary>
public readonly record struct CacheRead<TEntry>(TEntry Entry, DataSource Source, bool Stale, FreshnessBound Bound);

/// <summary>What the cache levels keep: a registry read stamped with its time.</summary>
public interface ICachedEntry
{
    /// <summary>When the registry was read, Unix milliseconds.</summary>
    long AsOfUnixMs { get; set; }

    /// <summary>The registry change sequence the entry reflects (see <see cref="ChangeTracker"/>).</summary>
    long AsOfSequence { get; set; }

    /// <summary>True for a "no such record" entry.</summary>
    bool IsNegative { get; }
}
