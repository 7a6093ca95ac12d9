using ELicense.Server.Auditing;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ELicense.Server.Security;

/// <summary>
/// Records the calls authorisation refuses — no or an unknown key or certificate (UNAUTHENTICATED), a
/// role that may not call the method (PERMISSION_DENIED) — then lets the default handler answer them
/// (the challenge and forbid of <see cref="CallerAuthenticationHandler"/>).
/// </summary>
/// <remarks>
/// The one place that knows a call was refused, and why, without reading the response back: the
/// authorisation middleware answers these calls itself, before any gRPC interceptor runs, and calls this
/// handler with its decision for every request. An accepted call costs two flag tests.
/// </remarks>
public sealed class AuditedAuthorizationResultHandler(Refusals refusals) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            refusals.Record(context, StatusCode.Unauthenticated);
        }
        else if (authorizeResult.Forbidden)
        {
            refusals.Record(context, StatusCode.PermissionDenied);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
