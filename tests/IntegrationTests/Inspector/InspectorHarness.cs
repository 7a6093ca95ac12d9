
using ELicense.IntegrationTests.Infrastructure;
using Spectre.Console.Testing;
using InspectorApp = ELicense.Inspector.InspectorApp;
using InspectorEnvironment = ELicense.Client.Cli.InspectorEnvironment;

namespace ELicense.IntegrationTests.Inspector;

/// <summary>Runs the inspector in-process, with a test console and the environment variables it is given.</summary>
internal static class InspectorHarness
{
    public sealed record Run(int Code, string Output, string Error);

    public static async Task<Run> RunAsync(string stdin, TestCaller? caller, IReadOnlyList<string> args, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var output = new TestConsole().Width(140).Height(45);
        var error = new TestConsole().Width(140);
        var variables = new Dictionary<string, string?> { ["LANG"] = "C.UTF-8", ["ELICENSE_API_KEY"] = caller?.Key };
        var environment = new InspectorEnvironment(output, error, new StringReader(stdin), time ?? TimeProvider.System, variables.GetValueOrDefault, "it-host");
        var code = await InspectorApp.RunAsync(environment, args, cancellationToken);
        return new Run(code, output.Output, error.Output);
    }

    /// <summary>The licence the test holder acts for, created (or replaced) so that its credentials can be issued.</summary>
    public static async Task EnsureHolderLicenseAsync(ServerInstance server)
    {
        var license = TestData.NewLicense();
        license.LicenseNumber = TestCallers.HolderLicenseNumber;
        await server.Registry.UpsertLicenseAsync(new ELicense.V1.UpsertLicenseRequest { License = license });
    }
}
