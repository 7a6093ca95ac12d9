namespace ELicense.Server.Security;

/// <summary>The health Watch streams open on this server (one counter per process, shared by every call).</summary>
public sealed class HealthWatchCounter
{
    private int _open;

    /// <summary>Streams open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a place if fewer than <paramref name="max"/> are open.</summary>
    public bool TryEnter(int max)
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }

    /// <summary>Gives a place back when a stream ends.</summary>
    public void Exit() => Interlocked.Decrement(ref _open);
}
