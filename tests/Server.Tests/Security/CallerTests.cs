using Xunit;
using System.Security.Claims;
using ELicense.Server.Security;

namespace ELicense.Server.Tests.Security;

/// <summary>
/// The audit trail's refusal records read the caller's id from the principal's name (Auditing sits below
/// Security and does not know <see cref="Caller"/>): the two must stay one value.
/// </summary>
public sealed class CallerTests
{
    [Theory]
    [InlineData("desk-1")]
    [InlineData("transfer-office.shanghai")]
    public void Principal_AnyCaller_NameIsTheIdAndRolesAreRoles(string id)
    {
        var caller = new Caller(id, new HashSet<string> { Roles.Officer }, 10, null);

        Assert.Equal(id, caller.Principal.Identity!.Name);
        Assert.True(caller.Principal.Identity.IsAuthenticated);
        Assert.True(caller.Principal.IsInRole(Roles.Officer));
        Assert.Equal(id, caller.Principal.FindFirstValue(ClaimTypes.Name));
    }
}
