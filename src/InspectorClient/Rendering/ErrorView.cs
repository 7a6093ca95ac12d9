using System.Globalization;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using Spectre.Console;

namespace ELicense.Inspector.Rendering;

/// <summary>One-line error messages for RPC failures and usage errors; no stack traces.</summary>
public static class ErrorView
{
    /// <summary>
    /// The headline and any detail lines of an RPC failure: status code and message, then each
    /// BadRequest field violation ("field: description") and the ErrorInfo reason from the rich status.
    /// </summary>
    public static IReadOnlyList<string> Describe(RpcException exception, Uri server, TimeSpan deadline)
    {
        var code = CodeName(exception.StatusCode);
        var headline = exception.StatusCode switch
        {
            // A status made on this side (connection refused, reset…) carries the exception behind it; one
            // sent by a reachable server (e.g. its registry is down) does not.
            StatusCode.Unavailable when exception.Status.DebugException is not null =>
                $"{code}: cannot reach server at {server} (is it running?)",
            StatusCode.DeadlineExceeded => string.Create(
                CultureInfo.InvariantCulture,
                $"{code}: no answer from {server} within {deadline.TotalSeconds:0.###}s (try a longer --deadline)"),
            _ => string.IsNullOrWhiteSpace(exception.Status.Detail) ? code : $"{code}: {exception.Status.Detail}",
        };

        var lines = new List<string> { headline };
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

        return lines;
    }

    /// <summary>Writes an RPC failure in red.</summary>
    public static void WriteRpc(IAnsiConsole console, RpcException exception, Uri server, TimeSpan deadline)
    {
        var lines = Describe(exception, server, deadline);
        console.MarkupLine($"[bold {Palette.Red}]error:[/] [{Palette.Red}]{Markup.Escape(lines[0])}[/]");
        foreach (var line in lines.Skip(1))
        {
            console.MarkupLine($"[{Palette.Red}]{Markup.Escape(line)}[/]");
        }

        if (exception.StatusCode == StatusCode.Unavailable && exception.Status.DebugException is not null
            && !string.IsNullOrWhiteSpace(exception.Status.Detail))
        {
            console.MarkupLine($"[grey]  {Markup.Escape(exception.Status.Detail)}[/]");
        }
    }

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
}
