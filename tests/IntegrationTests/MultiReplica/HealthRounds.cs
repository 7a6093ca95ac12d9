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
    /// Waits (bounded) until a round of <paramref name="health"/>'s checks ends with exactly <paramref name="expected"/>:
    /// a fixed number of rounds is not enough on a loaded machine, where a round may still see the old status.
    /// </summary>
    public static async Task ViewAsync(ReplicaHealth health, params bool[] expected)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler()
        {
            if (health.Snapshot().SequenceEqual(expected))
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
            throw new TimeoutException($"the health view stayed [{string.Join(", ", health.Snapshot())}], not [{string.Join(", ", expected)}]");
        }
        finally
        {
            health.Polled -= Handler;
        }
    }
}
