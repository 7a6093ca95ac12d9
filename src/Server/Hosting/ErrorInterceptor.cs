using ELicense.Server.Registry;
using ELicense.Server.Validation;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ELicense.Server.Hosting;

/// <summary>
/// Turns the exceptions services let through into gRPC statuses with rich details: a registry outage
/// is UNAVAILABLE (retryable), a rule violation FAILED_PRECONDITION, and anything unexpected a bare
/// INTERNAL — logged here, never sent with a stack trace.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } translated)
        {
            throw translated;
        }
    }

    private RpcException? Translate(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case RpcException:
                return null;
            case RegistryUnavailableException:
                LogRegistryUnavailable(logger, context.Method, e.InnerException ?? e);
                return RpcErrors.Unavailable(ErrorReasons.RegistryUnavailable, "The registry is unreachable and no cached copy is available; retry shortly.");
            case Auditing.AuditUnavailableException:
                LogAuditUnavailable(logger, context.Method, e.InnerException ?? e);
                return RpcErrors.Unavailable(ErrorReasons.AuditUnavailable, "The audit trail cannot record this call right now, so it is not answered; retry shortly.");
            case RegistryRuleException rule when rule.Reason == ErrorReasons.LicenseNotFound:
                return RpcErrors.NotFound("elicense.v1.License", "(given)", rule.Reason);
            case RegistryRuleException rule:
                return RpcErrors.FailedPrecondition(rule.Reason, rule.Message);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled or its deadline passed."));
            default:
                LogUnexpected(logger, context.Method, e);
                return new RpcException(new Status(StatusCode.Internal, "Internal error."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method}: registry unavailable.")]
    private static partial void LogRegistryUnavailable(ILogger logger, string method, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method}: the audit trail could not record the call; refused.")]
    private static partial void LogAuditUnavailable(ILogger logger, string method, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed unexpectedly.")]
    private static partial void LogUnexpected(ILogger logger, string method, Exception error);
}
