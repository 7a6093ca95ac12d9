using System.Net;
using System.Net.Sockets;

namespace ELicense.Testing;

/// <summary>
/// Keeps the ports of a killed cluster node (client and bus) taken until the node is started again, so that no
/// other fixture's server gets them meanwhile: a CI run once gave a killed master's port to a standalone
/// redis-server (the kernel hands out ports that low when its ephemeral range is wider than Linux's default), and
/// the master's replica, reconnecting, took a full resync from it and came up empty. Every connection is reset at
/// once, as close to "refused" as a listening socket gets; a bound socket that does not listen would not keep a
/// server using SO_REUSEADDR (as redis-server does) off the port.
/// </summary>
internal sealed class PortHold : IDisposable
{
    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stop = new();

    private PortHold()
    {
    }

    /// <summary>Listens on each of <paramref name="ports"/> on loopback and resets whatever connects; a port already taken is skipped.</summary>
    public static PortHold Take(params int[] ports)
    {
        var hold = new PortHold();
        foreach (var port in ports)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
                listener.Listen(16);
            }
            catch (SocketException)
            {
                // Someone has it already (the node did not die, or another process was faster): nothing to hold.
                listener.Dispose();
                continue;
            }

            hold._listeners.Add(listener);
            _ = hold.ResetAllAsync(listener);
        }

        return hold;
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _stop.Dispose();
    }

    private async Task ResetAllAsync(Socket listener)
    {
        try
        {
            while (true)
            {
                using var accepted = await listener.AcceptAsync(_stop.Token);
                accepted.LingerState = new LingerOption(true, 0); // close with RST: the peer sees a reset, not a hang
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Released.
        }
    }
}
