using System.Threading.RateLimiting;
using ELicense.Server.Validation;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace ELicense.Server.Security;

/// <summary>
/// One token bucket per caller (rate from its configuration or role). A caller over its limit is turned
/// away at once — no queue — so it cannot slow anyone else down.
/// </summary>
public sealed class CallerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Caller> _limiter = PartitionedRateLimiter.Create<Caller, string>(caller =>
        RateLimitPartition.GetTokenBucketLimiter(caller.Id, _ => BucketFor(caller.RateLimit)));

    /// <summary>
    /// One second of burst, refilled in steps of about a tenth of a second, exactly at the configured
    /// rate: a step carries a whole number of tokens, so the period stretches to match (5/s: one token
    /// every 200 ms, not one every 100 ms).
    /// </summary>
    internal static TokenBucketRateLimiterOptions BucketFor(double rate)
    {
        var tokensPerPeriod = (int)Math.Max(1, Math.Floor(rate / 10));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = (int)Math.Max(1, Math.Ceiling(rate)),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / rate),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>Takes one permit for <paramref name="caller"/>, or throws RESOURCE_EXHAUSTED with the time to wait.</summary>
    public void Acquire(Caller caller)
    {
        using var lease = _limiter.AttemptAcquire(caller);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMilliseconds(100);
            throw RateLimited(caller, retryAfter);
        }
    }

    internal static RpcException RateLimited(Caller caller, TimeSpan retryAfter)
    {
        // RESOURCE_EXHAUSTED, not the HTTP 503 of ASP.NET's rate limiter, which gRPC clients read as
        // UNAVAILABLE and retry at once.
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = $"Rate limit of {caller.RateLimit:0.#} requests per second exceeded; retry after {retryAfter.TotalMilliseconds:0} ms.",
        };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = "RATE_LIMITED", Domain = RpcErrors.Domain }));
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
        status.Details.Add(Any.Pack(new QuotaFailure
        {
            Violations = { new QuotaFailure.Types.Violation { Subject = "caller:" + caller.Id, Description = "requests per second" } },
        }));
        return status.ToRpcException();
    }

    public void Dispose() => _limiter.Dispose();
}
