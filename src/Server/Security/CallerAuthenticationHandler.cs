using System.Text.Encodings.Web;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Security;

/// <summary>
/// Authenticates a call by its API key (<c>authorization: Bearer KEY</c> metadata) or, failing that,
/// by the client certificate of a mutual-TLS connection. A call with neither is anonymous and is
/// refused by the authorisation fallback policy (UNAUTHENTICATED) everywhere but health.
/// </summary>
public sealed class CallerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CallerDirectory directory) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ELicenseCaller";

    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        Caller? caller;
        var header = Request.Headers.Authorization;
        if (header.Count > 0)
        {
            var value = header.ToString();
            if (!value.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(AuthenticateResult.Fail("The authorization metadata must be 'Bearer <API key>'."));
            }

            caller = directory.FindByKey(value.AsSpan(Bearer.Length).Trim());
            if (caller is null)
            {
                return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
            }

            // On a mutual-TLS connection a key must not stand in for another caller's certificate.
            if (Context.Connection.ClientCertificate is { } presented && directory.FindByCertificate(presented) is { } byCertificate
                && !ReferenceEquals(byCertificate, caller))
            {
                return Task.FromResult(AuthenticateResult.Fail("The API key and the client certificate belong to different callers."));
            }
        }
        else if (Context.Connection.ClientCertificate is { } certificate)
        {
            caller = directory.FindByCertificate(certificate);
            if (caller is null)
            {
                return Task.FromResult(AuthenticateResult.Fail("The client certificate is not one of a configured caller, or does not chain to the client CA."));
            }
        }
        else
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        Context.Items[typeof(Caller)] = caller;
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(caller.Principal, SchemeName)));
    }

    // Refusals as gRPC statuses with a message a person can act on, instead of a bare HTTP 401/403 that
    // clients can only report as "Bad gRPC response".
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteStatusAsync(StatusCode.Unauthenticated,
            "Authentication required: send 'authorization: Bearer <API key>' metadata, or connect with a configured client certificate.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteStatusAsync(StatusCode.PermissionDenied, "The caller's roles do not allow this method.");

    /// <summary>A gRPC "trailers-only" response: status and message in the headers, no body.</summary>
    private Task WriteStatusAsync(StatusCode code, string message)
    {
        Response.StatusCode = StatusCodes.Status200OK;
        Response.ContentType = "application/grpc";
        Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}

/// <summary>Access to the authenticated caller from a gRPC method.</summary>
public static class CallerContext
{
    /// <summary>The caller, or null for an anonymous call (only health is served anonymously).</summary>
    public static Caller? GetCaller(this ServerCallContext context) =>
        context.GetHttpContext().Items.TryGetValue(typeof(Caller), out var caller) ? caller as Caller : null;

    /// <summary>The caller of a method that requires one (every method but health).</summary>
    public static Caller RequireCaller(this ServerCallContext context) =>
        context.GetCaller() ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Authentication required."));
}
