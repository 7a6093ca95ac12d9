namespace ELicense.Server.Hosting;

/// <summary>Whether this replica is leaving: set once, when the host begins to stop, and never cleared.</summary>
public sealed class DrainState
{
    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Marks the replica as draining; true only for the first caller.</summary>
    public bool Begin() => Interlocked.Exchange(ref _draining, 1) == 0;
}
