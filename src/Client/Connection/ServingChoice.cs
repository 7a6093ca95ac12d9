namespace ELicense.Client.Connection;

/// <summary>
/// Round robin over the connected replicas that say they serve; when none says so, over all connected ones
/// (fail open: such a replica still answers, and its answer says what is wrong, where refusing locally
/// would only hide it). Thread-safe; the turn counter starts where the caller says, so that many channels
/// (the load generator's) do not all begin on the first replica.
/// </summary>
public sealed class ServingChoice<T>(IReadOnlyList<T> ready, Func<T, bool> isServing, int start = 0)
    where T : class
{
    private int _turn = start;

    /// <summary>The next replica, or null when none is connected.</summary>
    public T? Next()
    {
        var count = ready.Count;
        if (count == 0)
        {
            return null;
        }

        Span<int> serving = count <= 64 ? stackalloc int[count] : new int[count];
        var servingCount = 0;
        for (var i = 0; i < count; i++)
        {
            if (isServing(ready[i]))
            {
                serving[servingCount++] = i;
            }
        }

        var turn = (uint)Interlocked.Increment(ref _turn);
        return servingCount == 0 ? ready[(int)(turn % (uint)count)] : ready[serving[(int)(turn % (uint)servingCount)]];
    }
}
