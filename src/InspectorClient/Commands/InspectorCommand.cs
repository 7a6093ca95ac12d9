using ELicense.Inspector.Connection;
using ELicense.Inspector.Rendering;
using Grpc.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ELicense.Inspector.Commands;

/// <summary>
/// The frame of every command: resolves the global options, opens the session, runs the command, and
/// turns RPC failures, usage errors and Ctrl+C into one clear line and an exit code.
/// </summary>
public abstract class InspectorCommand<TSettings>(InspectorEnvironment environment) : AsyncCommand<TSettings>
    where TSettings : GlobalSettings
{
    /// <summary>The outside world.</summary>
    protected InspectorEnvironment Environment { get; } = environment;

    /// <inheritdoc />
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        if (!ConnectionOptions.TryResolve(settings, Environment.GetVariable, Environment.MachineName, out var options, out var error))
        {
            ErrorView.WriteUsage(Environment.Error, error);
            return ExitCodes.Usage;
        }

        using var session = new RpcSession(options, (attempt, exception) =>
            Environment.Error.MarkupLine(
                $"[grey]retrying ({attempt + 1}/{options.Retries}) after {Markup.Escape(Describe(exception))}…[/]"));
        try
        {
            return await RunAsync(session, settings, cancellationToken);
        }
        catch (UsageException ex)
        {
            ErrorView.WriteUsage(Environment.Error, ex.Message);
            return ExitCodes.Usage;
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            ErrorView.WriteRpc(Environment.Error, ex, options.Server, options.Deadline);
            return ExitCodes.RpcFailure;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            Environment.Error.MarkupLine($"[{Palette.Amber}]cancelled[/]");
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>Runs the command over an open session and returns the exit code.</summary>
    protected abstract Task<int> RunAsync(RpcSession session, TSettings settings, CancellationToken cancellationToken);

    private static string Describe(Exception? exception) =>
        exception is RpcException rpc ? ErrorView.CodeName(rpc.StatusCode) : exception?.GetType().Name ?? "failure";
}
