namespace ELicense.Bench;

/// <summary>Which operation (position in the mix) and which key (position in that operation's list) a request uses.</summary>
public readonly record struct RequestPick(int Operation, int Key);

/// <summary>
/// Draws each request's operation by the mix's weights and its key by the skew, from the seed and the
/// request's index alone: deterministic, and safe to call from any thread.
/// </summary>
public sealed class RequestPicker(WorkloadMix mix, KeySkew skew, ulong seed, IReadOnlyList<int> keyCounts)
{
    /// <summary>The pick of request <paramref name="index"/>; key 0 for an operation without keys (verify).</summary>
    public RequestPick Pick(long index)
    {
        var draws = SplitMix.For(seed, index);
        var operation = mix.Entries.Count == 1 ? 0 : mix.Pick(draws.Below(mix.TotalWeight));
        var keys = keyCounts[operation];
        return new RequestPick(operation, keys > 0 ? skew.Pick(ref draws, keys) : 0);
    }
}
