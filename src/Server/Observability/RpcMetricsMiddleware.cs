using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http.Features;

namespace ELicense.Server.Observability;

/// <summary>
/// Times every call from arrival to completion and tags it with the gRPC status it ended with. It sits
/// in front of authentication, so refused calls (trailers-only UNAUTHENTICATED, PERMISSION_DENIED) are
/// counted too — a load tester with a wrong key must see it here, not only in the generator.
/// </summary>
public sealed class RpcMetricsMiddleware(RequestDelegate next, ServerMetrics metrics, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var start = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            metrics.RecordRpc(MethodOf(context), StatusOf(context), time.GetElapsedTime(start));
        }
    }

    private static string MethodOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName ?? ServerMetrics.UnknownMethod;

    // A normal call carries grpc-status in the trailers; a trailers-only answer (refusals, early errors) in the headers.
    private static int StatusOf(HttpContext context)
    {
        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var value = trailers is not null && trailers.TryGetValue("grpc-status", out var t) ? t
            : context.Response.Headers.TryGetValue("grpc-status", out var h) ? h
            : default;
        return value.Count == 1 && value[0] is { Length: > 0 and <= 2 } text && int.TryParse(text, out var code) ? code : -1;
    }
}
