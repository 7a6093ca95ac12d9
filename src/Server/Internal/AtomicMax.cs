namespace ELicense.Server.Internal;

/// <summary>A long that only moves forward, shared by threads without a lock.</summary>
internal static class AtomicMax
{
    /// <summary>Sets <paramref name="location"/> to <paramref name="value"/> if that is larger (never back).</summary>
    public static void Raise(ref long location, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref location)))
        {
            if (Interlocked.CompareExchange(ref location, value, current) == current)
            {
                return;
            }
        }
    }
}
