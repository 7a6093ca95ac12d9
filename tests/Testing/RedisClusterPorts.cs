using System.Net;
using System.Net.Sockets;

namespace ELicense.Testing;

/// <summary>
/// Free loopback port pairs (p, p + 10000: client and cluster bus) for the cluster fixtures of this process. Both
/// ports of a pair are held until released, so that two fixtures starting at once never pick one's bus port as
/// the other's client port (each checks by binding, before either has launched its nodes).
/// </summary>
internal static class RedisClusterPorts
{
    private const int BusOffset = 10_000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary><paramref name="count"/> client ports whose port and bus port are free and held by no other fixture here.</summary>
    public static List<int> Pick(int count)
    {
        // Below the kernel's ephemeral range (32768+), so that neither a port nor its bus port is likely to be
        // handed to someone else's outgoing connection; each checked free by binding it.
        var ports = new List<int>();
        lock (HandedOut)
        {
            for (var tries = 0; ports.Count < count; tries++)
            {
                if (tries > 10_000)
                {
                    throw new InvalidOperationException("Found no free loopback port pairs (p, p + 10000) in 10000-22767.");
                }

                var port = Random.Shared.Next(10_000, 22_768);
                if (!HandedOut.Contains(port) && !HandedOut.Contains(port + BusOffset) && IsFree(port) && IsFree(port + BusOffset))
                {
                    HandedOut.Add(port);
                    HandedOut.Add(port + BusOffset);
                    ports.Add(port);
                }
            }
        }

        return ports;
    }

    /// <summary>Gives the pairs of <paramref name="ports"/> back.</summary>
    public static void Release(IEnumerable<int> ports)
    {
        lock (HandedOut)
        {
            foreach (var port in ports)
            {
                HandedOut.Remove(port);
                HandedOut.Remove(port + BusOffset);
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
