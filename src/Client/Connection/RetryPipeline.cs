using Google.Rpc;
using Grpc.Core;
using Polly;
using Polly.Retry;

namespace ELicense.Client.Connection;

/// <summary>A retry about to happen: the attempt that failed (0-based), why, and the wait before the next one.</summary>
public sealed record RetryNote(int Attempt, Exception? Exception, TimeSpan Delay);

/// <summary>
/// The retry policy around every call: UNAVAILABLE is retried with jittered exponential backoff;
/// RESOURCE_EXHAUSTED is retried only when the server says when (a google.rpc.RetryInfo detail) and that
/// wait is at most <see cref="MaxServerDelay"/>; the wait is then exactly the server's.
/// </summary>
public static class RetryPipeline
{
    /// <summary>The first retry's base delay.</summary>
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest server-requested wait the client sits through before retrying.</summary>
    public static readonly TimeSpan MaxServerDelay = TimeSpan.FromSeconds(5);

    private const long MaxReportedSeconds = 366L * 24 * 3600;

    /// <summary>
    /// Builds the pipeline. <paramref name="onRetry"/> is told about each retry before its wait. With 0
    /// retries the pipeline is empty. <paramref name="time"/> drives the waits (tests).
    /// </summary>
    public static ResiliencePipeline Create(int retries, Action<RetryNote>? onRetry = null, TimeProvider? time = null) =>
        Create(retries, IsRetryable, onRetry, time);

    /// <summary>
    /// The pipeline for writes (registry calls): retried only when the request provably never reached a
    /// server (<see cref="NeverSent"/>) or the server refused it with a short retry delay. A write lost on a
    /// dying replica may have been done there: sending it again could do it twice.
    /// </summary>
    public static ResiliencePipeline CreateForWrites(int retries, Action<RetryNote>? onRetry = null, TimeProvider? time = null) =>
        Create(retries, IsRetryableWrite, onRetry, time);

    private static ResiliencePipeline Create(int retries, Func<RpcException, bool> shouldRetry, Action<RetryNote>? onRetry, TimeProvider? time)
    {
        if (retries <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        var builder = new ResiliencePipelineBuilder();
        if (time is not null)
        {
            builder.TimeProvider = time;
        }

        return builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(shouldRetry),
                MaxRetryAttempts = retries,
                Delay = BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // null: the backoff above; otherwise the server's wait, which the predicate has kept within bounds.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is RpcException rpc ? ServerRetryDelay(rpc) : null),
                OnRetry = args =>
                {
                    onRetry?.Invoke(new RetryNote(args.AttemptNumber, args.Outcome.Exception, args.RetryDelay));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Whether a failure is worth another attempt: the server could not be reached, or asked to be called back soon.</summary>
    public static bool IsRetryable(RpcException exception) =>
        IsTransient(exception)
        || (exception.StatusCode == StatusCode.ResourceExhausted && ServerRetryDelay(exception) is { } delay && delay <= MaxServerDelay);

    /// <summary>Whether a failed write may be sent again: it never left this client, or the server refused it asking to retry soon.</summary>
    public static bool IsRetryableWrite(RpcException exception) =>
        (IsTransient(exception) && NeverSent(exception))
        || (exception.StatusCode == StatusCode.ResourceExhausted && ServerRetryDelay(exception) is { } delay && delay <= MaxServerDelay);

    /// <summary>
    /// True only when the failure is a connection that could not be made (refused, unreachable, TLS
    /// handshake): the request was never written. A connection lost after sending is not that.
    /// </summary>
    public static bool NeverSent(RpcException exception) =>
        exception.StatusCode == StatusCode.Unavailable
        && (exception.InnerException ?? exception.Status.DebugException) is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    /// <summary>Whether the server could not be reached.</summary>
    public static bool IsTransient(RpcException exception) => exception.StatusCode == StatusCode.Unavailable;

    /// <summary>The wait a RESOURCE_EXHAUSTED failure asks for in its RetryInfo detail (never negative), or null.</summary>
    public static TimeSpan? ServerRetryDelay(RpcException exception)
    {
        if (exception.StatusCode != StatusCode.ResourceExhausted)
        {
            return null;
        }

        RetryInfo? info;
        try
        {
            info = exception.GetRpcStatus()?.GetDetail<RetryInfo>();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }

        if (info?.RetryDelay is not { } delay)
        {
            return null;
        }

        if (delay.Seconds < 0 || (delay.Seconds == 0 && delay.Nanos <= 0))
        {
            return TimeSpan.Zero;
        }

        // Cap absurd values instead of overflowing; anything this long is past MaxServerDelay anyway.
        return delay.Seconds >= MaxReportedSeconds
            ? TimeSpan.FromSeconds(MaxReportedSeconds)
            : TimeSpan.FromSeconds(delay.Seconds) + TimeSpan.FromTicks(Math.Clamp(delay.Nanos, 0, 999_999_999) / 100);
    }
}
