using ELicense.Client.Connection;

namespace ELicense.IntegrationTests.MultiReplica;

/// <summary>Bounded waits on a session's <see cref="ReplicaHealth"/> rounds (its Polled event), never sleeps.</summary>
public static class HealthRounds
{
    /// <summary>Waits until <paramref name="health"/> has finished <paramref name="rounds"/> more rounds of checks (bounded).</summary>
    public static async Task RoundsAsync(ReplicaHealth health, int rounds)
    {
        var seen = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler()
        {
            if (Interlocked.Increment(ref seen) >= rounds)
            {
                done.TrySetResult();
            }
        }

        health.Polled += Handler;
        try
        {
            await done.Task.WaitAsync(TimeSpan.FromSeconds(15), Xunit.TestContext.Current.CancellationToken);
        }
        finally
        {
            health.Polled -= Handler;
        }
    }

    /// <summary>
    /// Waits (bounded) until a round ends with each replica SERVING (true) or not (false, whether unanswered or
    /// NOT_SERVING): for a killed replica, which may be either. Where the state matters, use the other overload.
    /// </summary>
    public static Task ViewAsync(ReplicaHealth health, params bool[] serving) =>
        WaitAsync(health, states => states.Select(s => s == ReplicaState.Serving).SequenceEqual(serving), string.Join(", ", serving));

    /// <summary>
    /// Waits (bounded) until a round of <paramref name="health"/>'s checks ends with exactly <paramref name="expected"/>:
    /// a fixed number of rounds is not enough on a loaded machine, where a round may still see the old status.
    /// </summary>
    public static Task ViewAsync(ReplicaHealth health, params ReplicaState[] expected) =>
        WaitAsync(health, states => states.SequenceEqual(expected), string.Join(", ", expected));

    private static async Task WaitAsync(ReplicaHealth health, Func<IReadOnlyList<ReplicaState>, bool> matches, string expected)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler()
        {
            if (matches(health.States()))
            {
                done.TrySetResult();
            }
        }

        health.Polled += Handler;
        try
        {
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30), Xunit.TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the health view stayed [{string.Join(", ", health.States())}], not [{expected}]");
        }
        finally
        {
            health.Polled -= Handler;
        }
    }
}
