using Grpc.Core;

namespace ELicense.Bench;

/// <summary>What became of one request.</summary>
public enum CallResult : byte
{
    /// <summary>The server answered, with <see cref="CallOutcome.Status"/> (OK or an error status).</summary>
    Completed,

    /// <summary>Never sent: the generator had nothing to send (the credential pool was empty). Counts as an error.</summary>
    NotSent,

    /// <summary>Sent, then cancelled by the generator at shutdown (Ctrl+C): no answer to count.</summary>
    Abandoned,
}

/// <summary>The outcome of one request: its operation (position in the mix), result, status and verdict (-1: none).</summary>
public readonly record struct CallOutcome(int Operation, CallResult Result, StatusCode Status, int Verdict)
{
    /// <summary>An OK answer, with the verdict of a verify call or the outcome code of a roadside call (<see cref="RoadsideOutcome"/>).</summary>
    public static CallOutcome Ok(int operation, int verdict = -1) => new(operation, CallResult.Completed, StatusCode.OK, verdict);

    /// <summary>An error status.</summary>
    public static CallOutcome Failed(int operation, StatusCode status) => new(operation, CallResult.Completed, status, -1);

    /// <summary>Not sent.</summary>
    public static CallOutcome NotSent(int operation) => new(operation, CallResult.NotSent, StatusCode.OK, -1);

    /// <summary>Cancelled at shutdown.</summary>
    public static CallOutcome Abandoned(int operation) => new(operation, CallResult.Abandoned, StatusCode.Cancelled, -1);
}

/// <summary>Sends request number <c>index</c> and reports its outcome; never throws for a failed call.</summary>
public interface IBenchTarget
{
    /// <summary>
    /// Sends request <paramref name="index"/> (what it is follows from the index and the seed) and
    /// completes when it is answered. <paramref name="abort"/> cancels it at shutdown.
    /// </summary>
    ValueTask<CallOutcome> CallAsync(long index, CancellationToken abort);
}

/// <summary>Where outcomes go.</summary>
public interface IBenchSink
{
    /// <summary>
    /// Records one outcome. <paramref name="latencyTicks"/> runs from the request's due time (open loop)
    /// or its send time (closed loop) to its answer; <paramref name="sendLagTicks"/> from due to sent.
    /// Warm-up requests come with <paramref name="measured"/> false.
    /// </summary>
    void Record(in CallOutcome outcome, bool measured, long latencyTicks, long sendLagTicks);
}
