using ELicense.Server.Auditing;
using ELicense.Server.Validation;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ELicense.Server.Hosting;

/// <summary>
/// Refuses requests that came as bytes their method cannot parse (see <see cref="MalformedRequests"/>)
/// with INVALID_ARGUMENT, and records the refusal. It runs after the rate limit, so malformed requests
/// are charged to the caller like any other; in a stream, the malformed message ends the stream.
/// </summary>
public sealed class MalformedRequestInterceptor(Refusals refusals) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        MalformedRequests.IsMalformed(request, out var refusal) ? throw Refuse(refusal, context) : continuation(request, context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        MalformedRequests.IsMalformed(request, out var refusal) ? throw Refuse(refusal, context) : continuation(request, responseStream, context);

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream, this, context), context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream, this, context), responseStream, context);

    private RpcException Refuse(RpcException refusal, ServerCallContext context)
    {
        refusals.Record(context.GetHttpContext(), StatusCode.InvalidArgument, detail: MalformedRequests.Describe(refusal));
        return refusal;
    }

    /// <summary>Refuses a malformed message of a stream when the service reads it.</summary>
    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner, MalformedRequestInterceptor owner, ServerCallContext context) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }

            return MalformedRequests.IsMalformed(inner.Current, out var refusal) ? throw owner.Refuse(refusal, context) : true;
        }
    }
}
