using ELicense.Server.Auditing;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Security;

/// <summary>
/// Applies each caller's rate limit to every call and every streamed message, caps stream length, and
/// bounds the anonymous health Watch streams open at once. Each refusal goes to the audit trail
/// (<see cref="Refusals"/>, aggregated per second), with the subject the request names when it names one.
/// </summary>
public sealed class LimitsInterceptor(CallerRateLimiter limiter, HealthWatchCounter watches, IOptions<AuthOptions> options, Refusals refusals) : Interceptor
{
    private const string HealthWatch = "/grpc.health.v1.Health/Watch";

    private readonly int _maxStreamMessages = options.Value.MaxStreamMessages;
    private readonly int _maxHealthWatches = options.Value.MaxHealthWatches;

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (context.GetCaller() is { } caller)
        {
            Charge(caller, context, request);
        }

        if (!string.Equals(context.Method, HealthWatch, StringComparison.Ordinal))
        {
            await continuation(request, responseStream, context);
            return;
        }

        if (!watches.TryEnter(_maxHealthWatches))
        {
            refusals.Record(context.GetHttpContext(), StatusCode.ResourceExhausted);
            throw Validation.RpcErrors.ResourceExhausted(Validation.ErrorReasons.TooManyWatches,
                $"This server already serves {_maxHealthWatches} health Watch streams; use Check, or retry later.", TimeSpan.FromSeconds(5));
        }

        try
        {
            await continuation(request, responseStream, context);
        }
        finally
        {
            watches.Exit();
        }
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.GetCaller() is { } caller)
        {
            Charge(caller, context, request);
        }

        return continuation(request, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = context.GetCaller();
        if (caller is null)
        {
            return continuation(requestStream, responseStream, context);
        }

        Charge(caller, context, request: null); // opening a stream costs a permit too: streams are not free to hold open
        return continuation(new LimitedReader<TRequest>(requestStream, caller, this, context, _maxStreamMessages), responseStream, context);
    }

    private void RecordTooLong(ServerCallContext context) => refusals.Record(context.GetHttpContext(), StatusCode.ResourceExhausted);

    /// <summary>One permit, or RESOURCE_EXHAUSTED — recorded, with the subject the request names.</summary>
    private void Charge(Caller caller, ServerCallContext context, object? request)
    {
        try
        {
            limiter.Acquire(caller);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            refusals.Record(context.GetHttpContext(), StatusCode.ResourceExhausted, refusals.SubjectOf(request));
            throw;
        }
    }

    /// <summary>Charges one permit per message, and ends the stream past the length limit.</summary>
    private sealed class LimitedReader<T>(IAsyncStreamReader<T> inner, Caller caller, LimitsInterceptor owner, ServerCallContext context, int maxMessages)
        : IAsyncStreamReader<T>
    {
        private int _count;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }

            if (++_count > maxMessages)
            {
                owner.RecordTooLong(context);
                throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"A stream may carry at most {maxMessages} messages; open a new stream to go on."));
            }

            owner.Charge(caller, context, inner.Current);
            return true;
        }
    }
}
