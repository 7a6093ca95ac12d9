using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Security;

/// <summary>Applies each caller's rate limit to every call and every streamed message, and caps stream length.</summary>
public sealed class LimitsInterceptor(CallerRateLimiter limiter, IOptions<AuthOptions> options) : Interceptor
{
    private readonly int _maxStreamMessages = options.Value.MaxStreamMessages;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.GetCaller() is { } caller)
        {
            limiter.Acquire(caller);
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

        limiter.Acquire(caller); // opening a stream costs a permit too: streams are not free to hold open
        return continuation(new LimitedReader<TRequest>(requestStream, caller, limiter, _maxStreamMessages), responseStream, context);
    }

    /// <summary>Charges one permit per message, and ends the stream past the length limit.</summary>
    private sealed class LimitedReader<T>(IAsyncStreamReader<T> inner, Caller caller, CallerRateLimiter limiter, int maxMessages) : IAsyncStreamReader<T>
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
                throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"A stream may carry at most {maxMessages} messages; open a new stream to go on."));
            }

            limiter.Acquire(caller);
            return true;
        }
    }
}
