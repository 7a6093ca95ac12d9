using ELicense.Inspector.Rendering;
using Grpc.Core;

namespace ELicense.Inspector.Handheld;

/// <summary>
/// The console's line to the server: every call goes through <see cref="CallAsync"/>, which keeps the
/// header's connection state and round trip true and notices when the server answers again after an outage.
/// With several --server addresses this is not a second health poller beside the balancer's
/// (<see cref="ELicense.Client.Connection.ReplicaHealth"/>): the idle probe is one real call (ListIssuerKeys,
/// which also refreshes the offline keys) through the same balanced channel, and online means a replica
/// answered a call with this console's API key. Health answers without a key and per replica; it
/// decides where a call goes, not whether the service answers this officer, so the header does not read it.
/// </summary>
public sealed class Connectivity(HandheldContext context, ICheckBackend? backend)
{
    private long _lastProbe;

    /// <summary>True when a server is configured at all.</summary>
    public bool HasServer => backend is not null;

    /// <summary>True when the console may call the server: one is configured and the console is not forced offline.</summary>
    public bool CanCall => backend is not null && context.State.Connection != ConnectionState.ForcedOffline;

    /// <summary>True when an idle console should probe again: it may call and the probe interval has passed.</summary>
    public bool ProbeDue => CanCall && context.Time.GetElapsedTime(_lastProbe) >= context.Options.ProbeInterval;

    /// <summary>
    /// True once the server has answered after the console was not online; the queued checks are due then.
    /// Whoever syncs them clears it.
    /// </summary>
    public bool SyncDue { get; set; }

    /// <summary>Notes that a probe starts now (the idle timer counts from here).</summary>
    public void ProbeStarted() => _lastProbe = context.Time.GetTimestamp();

    /// <summary>
    /// Calls the server unless forced offline. Not reaching it (connection refused, no answer in time)
    /// marks the console offline and returns false; an answer, even an error status, marks it online.
    /// </summary>
    public async Task<(bool Reached, T? Value)> CallAsync<T>(Func<ICheckBackend, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        if (!CanCall)
        {
            return (false, null);
        }

        var started = context.Time.GetTimestamp();
        try
        {
            var value = await call(backend!, cancellationToken);
            Reached(started);
            // Every string the server sends is shown somewhere: no terminal control characters in any of them.
            if (value is Google.Protobuf.IMessage message)
            {
                TerminalText.Clean(message);
            }

            return (true, value);
        }
        catch (RpcException e) when (IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
        {
            context.State.Connection = ConnectionState.Offline;
            context.State.RoundTrip = null;
            return (false, null);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested && e.StatusCode != StatusCode.Cancelled)
        {
            Reached(started);
            throw;
        }
    }

    /// <summary>A status made on this side because nothing answered, as opposed to one the server sent.</summary>
    private static bool IsUnreachable(RpcException e) =>
        e.StatusCode == StatusCode.DeadlineExceeded || (e.StatusCode == StatusCode.Unavailable && e.Status.DebugException is not null);

    private void Reached(long started)
    {
        var state = context.State;
        state.RoundTrip = context.Time.GetElapsedTime(started);
        if (state.Connection != ConnectionState.Online)
        {
            SyncDue = true;
        }

        state.Connection = ConnectionState.Online;
    }
}
