using System.Globalization;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using Spectre.Console;
using ELicense.Client.Cli;
using ELicense.Client.Connection;

namespace ELicense.Client.Rendering;

/// <summary>One-line error messages for RPC failures and usage errors; no stack traces.</summary>
public static class ErrorView
{
    /// <summary>
    /// The headline and any detail lines of an RPC failure: status code and message, then each
    /// BadRequest field violation ("field: description") and the ErrorInfo reason from the rich status.
    /// Authentication, authorisation and rate-limit failures say what to do. Any of <paramref name="secrets"/>
    /// the text might contain (a server echoing the key) is replaced by "***".
    /// </summary>
    public static IReadOnlyList<string> Describe(
        RpcException exception, Uri server, TimeSpan deadline, IReadOnlyCollection<Secret>? secrets = null) =>
        Describe(exception, [server], deadline, secrets);

    /// <summary>As above, for a call balanced over <paramref name="servers"/> (named all together: the replica it last tried is not known).</summary>
    public static IReadOnlyList<string> Describe(
        RpcException exception, IReadOnlyList<Uri> servers, TimeSpan deadline, IReadOnlyCollection<Secret>? secrets = null)
    {
        var server = servers.Count == 1 ? servers[0].ToString() : $"any of {ServerAddresses.Describe(servers)}";
        var code = CodeName(exception.StatusCode);
        var detail = exception.Status.Detail;
        var hasDetail = !string.IsNullOrWhiteSpace(detail);
        var lines = new List<string>();
        switch (exception.StatusCode)
        {
            // A status made on this side (connection refused, reset…) carries the exception behind it; one
            // sent by a reachable server (e.g. its registry is down) does not.
            case StatusCode.Unavailable when exception.Status.DebugException is not null:
                lines.Add($"{code}: cannot reach server at {server} (is it running?)");
                break;
            case StatusCode.DeadlineExceeded:
                lines.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{code}: no answer from {server} within {deadline.TotalSeconds:0.###}s (try a longer --deadline)"));
                break;
            case StatusCode.Unauthenticated:
                lines.Add($"{code}: not authenticated: give --api-key (or {ConnectionOptions.ApiKeyVariable}) or a client certificate");
                if (hasDetail)
                {
                    lines.Add($"  server: {detail}");
                }

                break;
            case StatusCode.PermissionDenied:
                lines.Add(hasDetail ? $"{code}: this caller's role may not do this: {detail}" : $"{code}: this caller's role may not do this");
                break;
            case StatusCode.ResourceExhausted when RetryPipeline.ServerRetryDelay(exception) is { } delay:
                lines.Add($"{code}: rate limited: retry in {Seconds(delay)}");
                if (hasDetail)
                {
                    lines.Add($"  server: {detail}");
                }

                break;
            default:
                lines.Add(hasDetail ? $"{code}: {detail}" : code);
                break;
        }

        var status = exception.GetRpcStatus();
        if (status is not null)
        {
            var badRequest = status.GetDetail<BadRequest>();
            if (badRequest is not null)
            {
                lines.AddRange(badRequest.FieldViolations.Select(v => $"  {v.Field}: {v.Description}"));
            }

            var info = status.GetDetail<ErrorInfo>();
            if (info is not null && !string.IsNullOrEmpty(info.Reason))
            {
                lines.Add(string.IsNullOrEmpty(info.Domain) ? $"  reason: {info.Reason}" : $"  reason: {info.Reason} ({info.Domain})");
            }
        }

        return secrets is { Count: > 0 } ? lines.Select(line => Redact(line, secrets)).ToList() : lines;
    }

    /// <summary>Writes an RPC failure in red; <paramref name="secrets"/> are never shown.</summary>
    public static void WriteRpc(
        IAnsiConsole console, RpcException exception, Uri server, TimeSpan deadline, IReadOnlyCollection<Secret>? secrets = null) =>
        WriteRpc(console, exception, [server], deadline, secrets);

    /// <summary>Writes an RPC failure of a call to one of <paramref name="servers"/> in red; <paramref name="secrets"/> are never shown.</summary>
    public static void WriteRpc(
        IAnsiConsole console, RpcException exception, IReadOnlyList<Uri> servers, TimeSpan deadline, IReadOnlyCollection<Secret>? secrets = null)
    {
        var lines = Describe(exception, servers, deadline, secrets);
        console.MarkupLine($"[bold {Palette.Red}]error:[/] [{Palette.Red}]{Markup.Escape(lines[0])}[/]");
        foreach (var line in lines.Skip(1))
        {
            console.MarkupLine($"[{Palette.Red}]{Markup.Escape(line)}[/]");
        }

        if (exception.StatusCode == StatusCode.Unavailable && exception.Status.DebugException is not null
            && !string.IsNullOrWhiteSpace(exception.Status.Detail))
        {
            console.MarkupLine($"[grey]  {Markup.Escape(Redact(exception.Status.Detail, secrets))}[/]");
        }
    }

    /// <summary>A wait as "1.2 s" (up to two decimals).</summary>
    public static string Seconds(TimeSpan delay) =>
        string.Create(CultureInfo.InvariantCulture, $"{delay.TotalSeconds:0.##} s");

    /// <summary>Writes a usage error in red.</summary>
    public static void WriteUsage(IAnsiConsole console, string message) =>
        console.MarkupLine($"[bold {Palette.Red}]error:[/] [{Palette.Red}]{Markup.Escape(message)}[/] [grey](see --help)[/]");

    /// <summary>A status code as the protocol spells it, e.g. INVALID_ARGUMENT.</summary>
    public static string CodeName(StatusCode code)
    {
        var name = code.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && char.IsLower(name[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }

    private static string Redact(string text, IReadOnlyCollection<Secret>? secrets) =>
        secrets is null ? text : secrets.Aggregate(text, (current, secret) => secret.RedactFrom(current));
}
