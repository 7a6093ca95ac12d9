namespace ELicense.Server.Registry.Postgres;

/// <summary>What the listener's state says, for health checks and gauges: read without locks, from any thread.</summary>
public sealed partial class PostgresChangeListener
{
    private volatile bool _listening;
    private long _connections;
    private long _notifications;
    private long _lastNotifiedSequence = -1;

    /// <summary>True while the <c>LISTEN</c> is in effect: false before the first connection and while reconnecting.</summary>
    public bool IsListening => _listening;

    /// <summary>Connections on which the <c>LISTEN</c> took effect (1 after the start, one more per reconnection).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Notifications received on the channel, over every connection.</summary>
    public long NotificationsReceived => Interlocked.Read(ref _notifications);

    /// <summary>The highest change sequence a notification carried (-1 before any): how far the registry is known to be.</summary>
    public long LastNotifiedSequence => Interlocked.Read(ref _lastNotifiedSequence);
}
