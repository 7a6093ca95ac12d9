namespace ELicense.Bench;

/// <summary>
/// SplitMix64: a small, fast, seedable generator. The generator derives each request's draws from the
/// seed and the request's index alone, so the i-th request is the same in every run with the same seed,
/// whichever worker or thread sends it, and no generator state is shared between threads.
/// </summary>
public struct SplitMix
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    /// <summary>Starts a sequence from a seed.</summary>
    public SplitMix(ulong seed) => _state = seed;

    /// <summary>The sequence of draws for request <paramref name="index"/> under <paramref name="seed"/>.</summary>
    public static SplitMix For(ulong seed, long index) => new(Mix(seed ^ Mix((ulong)index * Golden)));

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, n) for n ≥ 1 (Lemire's multiply-shift; the bias at 2^-64 is irrelevant here).</summary>
    public int Below(int n) => (int)(((UInt128)Next() * (uint)n) >> 64);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
