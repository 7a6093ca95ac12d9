using ELicense.Inspector.Rendering;
using ELicense.Client.Cli;
using ELicense.Client.Commands;

namespace ELicense.Inspector.Commands;

/// <summary>
/// The frame of the inspector's commands: the shared session frame (<see cref="SessionCommand{TSettings}"/>,
/// in ELicense.Client with the load generator) plus the inspector's way of printing one response.
/// </summary>
public abstract class InspectorCommand<TSettings>(InspectorEnvironment environment) : SessionCommand<TSettings>(environment)
    where TSettings : ConnectionSettings
{
    /// <summary>Prints a response as JSON (<c>--json</c>) or through its view, and returns <paramref name="exitCode"/>.</summary>
    protected int Show<TResponse>(GlobalSettings settings, TResponse response, Action<Spectre.Console.IAnsiConsole, TResponse, TimeProvider> render, int exitCode)
        where TResponse : Google.Protobuf.IMessage
    {
        if (settings.Json)
        {
            JsonOutput.Write(Environment.Output, response);
        }
        else
        {
            render(Environment.Output, response, Environment.Time);
        }

        return exitCode;
    }
}
