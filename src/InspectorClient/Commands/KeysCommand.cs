using ELicense.Inspector.Rendering;
using ELicense.V1;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Inspector.Commands;

/// <summary>`keys`: the issuer's public keys.</summary>
public sealed class KeysCommand(InspectorEnvironment environment) : InspectorCommand<GlobalSettings>(environment)
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(RpcSession session, GlobalSettings settings, CancellationToken cancellationToken)
    {
        var response = await session.CallAsync(o => session.Verification.ListIssuerKeysAsync(new ListIssuerKeysRequest(), o), cancellationToken);
        return Show(settings, response, KeysView.Render, ExitCodes.Ok);
    }
}
