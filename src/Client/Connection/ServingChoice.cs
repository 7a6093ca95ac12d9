namespace ELicense.Client.Connection;

/// <summary>
/// Round robin over the connected replicas in the best <see cref="ReplicaState"/> any of them is in: those
/// that said SERVING; when none did, those whose check went unanswered (slow is not down: a fleet whose checks
/// all time out on a loaded host still serves, and its calls carry their own deadlines and retries); when
/// every one said NOT_SERVING, all of them (fail open: such a replica still answers, and its answer says what
/// is wrong, where refusing locally would only hide it). Thread-safe; the turn counter starts where the
/// caller says, so that many channels (the load generator's) do not all begin on the first replica.
/// </summary>
public sealed class ServingChoice<T>(IReadOnlyList<T> ready, Func<T, ReplicaState> stateOf, int start = 0)
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

        // The indices of the replicas in the best state seen so far; a better one starts the list again.
        Span<int> best = count <= 64 ? stackalloc int[count] : new int[count];
        var bestCount = 0;
        var bestState = ReplicaState.NotServing;
        for (var i = 0; i < count; i++)
        {
            var state = stateOf(ready[i]);
            if (state < bestState)
            {
                bestState = state;
                bestCount = 0;
            }

            if (state == bestState)
            {
                best[bestCount++] = i;
            }
        }

        var turn = (uint)Interlocked.Increment(ref _turn);
        return ready[best[(int)(turn % (uint)bestCount)]];
    }
}
