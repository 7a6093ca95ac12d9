using Grpc.Core;
using Spectre.Console;
using Spectre.Console.Cli;
using ELicense.Client.Cli;
using ELicense.Client.Connection;
using ELicense.Client.Rendering;

namespace ELicense.Client.Commands;

/// <summary>
/// The frame of every command of the inspector and of elicense-bench: resolves the connection options, opens
/// the session, runs the command, and turns RPC failures, usage errors and Ctrl+C into one clear line and an
/// exit code.
/// </summary>
public abstract class SessionCommand<TSettings>(InspectorEnvironment environment) : AsyncCommand<TSettings>
    where TSettings : ConnectionSettings
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

        IReadOnlyCollection<Secret> secrets = new[] { options.ApiKey, options.CertificatePassword }.OfType<Secret>().ToArray();
        RpcSession session;
        try
        {
            session = new RpcSession(options, note => Environment.Error.MarkupLine(
                $"[grey]retrying ({note.Attempt + 1}/{options.Retries}) after {Markup.Escape(Describe(note))}…[/]"));
        }
        catch (UsageException ex)
        {
            ErrorView.WriteUsage(Environment.Error, Redact(ex.Message, secrets));
            return ExitCodes.Usage;
        }

        using (session)
        {
            try
            {
                return await RunAsync(session, settings, cancellationToken);
            }
            catch (UsageException ex)
            {
                ErrorView.WriteUsage(Environment.Error, Redact(ex.Message, secrets));
                return ExitCodes.Usage;
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                ErrorView.WriteRpc(Environment.Error, ex, options.Servers, options.Deadline, secrets);
                return ExitCodes.RpcFailure;
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                Environment.Error.MarkupLine($"[{Palette.Amber}]cancelled[/]");
                return ExitCodes.Cancelled;
            }
        }
    }

    /// <summary>Runs the command over an open session and returns the exit code.</summary>
    protected abstract Task<int> RunAsync(RpcSession session, TSettings settings, CancellationToken cancellationToken);

    private static string Describe(RetryNote note) => note.Exception switch
    {
        RpcException { StatusCode: StatusCode.ResourceExhausted } rpc =>
            $"{ErrorView.CodeName(rpc.StatusCode)} (rate limited; waiting {ErrorView.Seconds(note.Delay)} as the server asks)",
        RpcException rpc => ErrorView.CodeName(rpc.StatusCode),
        { } other => other.GetType().Name,
        null => "failure",
    };

    private static string Redact(string text, IReadOnlyCollection<Secret> secrets) =>
        secrets.Aggregate(text, (current, secret) => secret.RedactFrom(current));
}
