using Grpc.Core;
using Polly;
using Polly.Retry;

namespace ELicense.Inspector.Connection;

/// <summary>The retry policy around every call: only UNAVAILABLE is retried, with jittered exponential backoff.</summary>
public static class RetryPipeline
{
    /// <summary>The first retry's base delay.</summary>
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Builds the pipeline. <paramref name="onRetry"/> is told the attempt number (0-based) and the
    /// exception before each retry. With 0 retries the pipeline is empty.
    /// </summary>
    public static ResiliencePipeline Create(int retries, Action<int, Exception?>? onRetry = null)
    {
        if (retries <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
                MaxRetryAttempts = retries,
                Delay = BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.AttemptNumber, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Whether a failure is worth another attempt: the server could not be reached.</summary>
    public static bool IsTransient(RpcException exception) => exception.StatusCode == StatusCode.Unavailable;
}
