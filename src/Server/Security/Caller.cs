using System.Security.Claims;

namespace ELicense.Server.Security;

/// <summary>A resolved caller, with the principal ASP.NET Core authorisation checks (built once, not per call).</summary>
/// <remarks>
/// The principal's name is the caller's id: the audit trail's refusal records (Auditing sits below Security and
/// does not know this type) read the id from <c>User.Identity.Name</c>, so the two must stay one value.
/// </remarks>
public sealed record Caller(string Id, IReadOnlySet<string> Roles, double RateLimit, string? LicenseNumber)
{
    public ClaimsPrincipal Principal { get; } = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, Id), .. Roles.Select(r => new Claim(ClaimTypes.Role, r))],
        CallerAuthenticationHandler.SchemeName, ClaimTypes.Name, ClaimTypes.Role));

    public bool IsIn(string role) => Roles.Contains(role);
}
