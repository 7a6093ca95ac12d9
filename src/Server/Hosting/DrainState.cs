namespace ELicense.Server.Hosting;

/// <summary>
/// Whether this replica is leaving: set once, when the host begins to stop, and never cleared. Also the moment the
/// grace ends and Kestrel stops taking calls, when the long-lived streams end (<see cref="DrainingStreamsInterceptor"/>).
/// </summary>
public sealed class DrainState : IDisposable
{
    private readonly CancellationTokenSource _streamsEnd = new();
    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Cancelled when the grace is over: a health Watch or an idle VerifyCredentials stream must not hold the stop.</summary>
    public CancellationToken StreamsEnd => _streamsEnd.Token;

    /// <summary>Marks the replica as draining; true only for the first caller.</summary>
    public bool Begin() => Interlocked.Exchange(ref _draining, 1) == 0;

    /// <summary>Ends the long-lived streams (once; later calls do nothing).</summary>
    public void EndStreams() => _streamsEnd.Cancel();

    public void Dispose() => _streamsEnd.Dispose();
}
