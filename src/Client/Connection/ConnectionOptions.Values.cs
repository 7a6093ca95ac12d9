using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace ELicense.Client.Connection;

/// <summary>
/// The rules for single values: the server URL (and whether its host is loopback), the API key, the device id.
/// </summary>
public sealed partial record ConnectionOptions
{
    /// <summary>
    /// Whether the server's host is a loopback address: 127.0.0.0/8, ::1 (also IPv4-mapped), or the
    /// name "localhost". Other names are not resolved: a name that happens to resolve to 127.0.0.1 still counts as remote.
    /// </summary>
    public static bool IsLoopback(Uri server)
    {
        var host = server.IdnHost.TrimEnd('.');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address);
    }

    /// <summary>1 to 4096 visible ASCII characters (what an HTTP/2 header value can carry unaltered).</summary>
    public static bool IsValidApiKey(string key) =>
        key.Length is > 0 and <= MaxApiKeyLength && key.All(c => c is > ' ' and <= '~');

    /// <summary>Accepts only absolute http:// or https:// URLs.</summary>
    public static bool TryParseServer(string text, [NotNullWhen(true)] out Uri? server, [NotNullWhen(false)] out string? error)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out server)
            && (server.Scheme == Uri.UriSchemeHttp || server.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(server.Host))
        {
            error = null;
            return true;
        }

        server = null;
        error = $"--server must be an absolute http:// or https:// URL, e.g. {DefaultServer} (got \"{text}\").";
        return false;
    }

    /// <summary>"inspector-" and the machine name, reduced to the characters a device id allows.</summary>
    public static string DefaultDeviceId(string machineName)
    {
        var builder = new StringBuilder("inspector-");
        foreach (var c in machineName)
        {
            builder.Append(IsDeviceIdChar(c) ? c : '-');
        }

        return builder.Length > MaxDeviceIdLength ? builder.ToString(0, MaxDeviceIdLength) : builder.ToString();
    }

    /// <summary>1 to 64 characters of ASCII letters, digits, '-', '_', '.', ':'.</summary>
    public static bool IsValidDeviceId(string deviceId) =>
        deviceId.Length is > 0 and <= MaxDeviceIdLength && deviceId.All(IsDeviceIdChar);

    private static bool IsDeviceIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';
}
