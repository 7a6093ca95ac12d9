using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ELicense.Client.Connection;

/// <summary>
/// The list of server replicas: --server given once or more, each value possibly comma-separated, or
/// ELICENSE_SERVER comma-separated. Every address is checked on its own, so the error names the bad one.
/// </summary>
public static class ServerAddresses
{
    /// <summary>The most replicas one client balances over: each is a connection and a health poll.</summary>
    public const int MaxAddresses = 16;

    /// <summary>
    /// Splits and checks <paramref name="values"/>: absolute http(s) URLs, one scheme for all (the channel
    /// has one transport security), duplicates dropped (same scheme, host and port), at most <see cref="MaxAddresses"/>.
    /// </summary>
    public static bool TryParse(IEnumerable<string> values, [NotNullWhen(true)] out IReadOnlyList<Uri>? servers, [NotNullWhen(false)] out string? error)
    {
        servers = null;
        var parsed = new List<Uri>();
        foreach (var part in values.SelectMany(v => v.Split(',')).Select(p => p.Trim()))
        {
            if (part.Length == 0)
            {
                error = "--server has an empty address (two commas in a row, or a trailing comma).";
                return false;
            }

            if (!ConnectionOptions.TryParseServer(part, out var server, out error))
            {
                return false;
            }

            if (parsed.Count > 0 && parsed[0].Scheme != server.Scheme)
            {
                error = $"--server addresses must all be http:// or all https:// (got {parsed[0]} and {server}).";
                return false;
            }

            if (!parsed.Any(p => SameEndpoint(p, server)))
            {
                parsed.Add(server);
            }
        }

        if (parsed.Count == 0)
        {
            error = "--server has no address.";
            return false;
        }

        if (parsed.Count > MaxAddresses)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"--server names {parsed.Count} addresses: at most {MaxAddresses}.");
            return false;
        }

        servers = parsed;
        error = null;
        return true;
    }

    /// <summary>The addresses for display: "a", or "a, b, c".</summary>
    public static string Describe(IReadOnlyList<Uri> servers) => string.Join(", ", servers.Select(s => s.ToString().TrimEnd('/')));

    /// <summary>The host and port a balancer connects to: IPv6 brackets removed, the scheme's default port filled in.</summary>
    public static (string Host, int Port) Endpoint(Uri server) => (server.Host.Trim('[', ']'), server.Port);

    private static bool SameEndpoint(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Scheme == b.Scheme;
}
