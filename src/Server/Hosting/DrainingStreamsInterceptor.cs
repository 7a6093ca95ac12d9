using ELicense.Server.Validation;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ELicense.Server.Hosting;

/// <summary>
/// Ends the long-lived streams when the drain's grace is over (<see cref="DrainState.StreamsEnd"/>), so that they do
/// not hold the stop for <see cref="DrainOptions.MaxCallDuration"/>. A server stream (the health Watch) sees its call
/// cancelled: the Watch sends what it has queued (the NOT_SERVING the drain set at its start) and completes with OK.
/// A VerifyCredentials stream finishes the request it is verifying and answers it, then ends with UNAVAILABLE
/// (REPLICA_STOPPING) instead of waiting for the next request: whatever the client sent after its last answer was not
/// read, so it may send it again elsewhere. Innermost: only the service method sees the substituted context.
/// </summary>
public sealed class DrainingStreamsInterceptor(DrainState state) : Interceptor
{
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, state.StreamsEnd);
        // Where GetHttpContext looks for a context that is not the framework's (the service is activated from it).
        context.UserState[HttpContextKey] = context.GetHttpContext();
        try
        {
            await continuation(request, responseStream, new EndingCallContext(context, ending.Token));
        }
        catch (OperationCanceledException) when (EndedHere(context))
        {
            throw Stopping(); // a method that throws on cancellation (the Watch returns instead)
        }
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new EndingReader<TRequest>(requestStream, this, context), responseStream, context);

    // grpc-dotnet's documented key for call contexts that replace its own (ServerCallContextExtensions.GetHttpContext).
    private const string HttpContextKey = "__HttpContext";

    private CancellationToken StreamsEnd => state.StreamsEnd;

    private bool EndedHere(ServerCallContext context) => state.StreamsEnd.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested;

    private static RpcException Stopping() => RpcErrors.Unavailable(ErrorReasons.ReplicaStopping,
        "This replica is stopping: the stream ends after the last answer it sent. Send what was not answered on a new stream (another replica).");

    /// <summary>Waits for the next request only until the streams end.</summary>
    private sealed class EndingReader<T>(IAsyncStreamReader<T> inner, DrainingStreamsInterceptor owner, ServerCallContext context) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (owner.EndedHere(context))
            {
                throw Stopping();
            }

            using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, owner.StreamsEnd);
            try
            {
                return await inner.MoveNext(ending.Token);
            }
            catch (OperationCanceledException) when (owner.EndedHere(context) && !cancellationToken.IsCancellationRequested)
            {
                throw Stopping();
            }
        }
    }
}
