using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using ELicense.Inspector.Commands;

namespace ELicense.Inspector.Connection;

/// <summary>Where and how to call the server: the global options, resolved against the environment.</summary>
public sealed record ConnectionOptions(Uri Server, TimeSpan Deadline, int Retries, string DeviceId)
{
    /// <summary>The server used when neither --server nor ELICENSE_SERVER is given.</summary>
    public const string DefaultServer = "http://127.0.0.1:5080";

    /// <summary>Environment variable naming the server.</summary>
    public const string ServerVariable = "ELICENSE_SERVER";

    /// <summary>Environment variable naming this device.</summary>
    public const string DeviceVariable = "ELICENSE_DEVICE";

    /// <summary>The largest accepted --retries.</summary>
    public const int MaxRetries = 10;

    private const int MaxDeviceIdLength = 64;

    /// <summary>
    /// Resolves the global options: explicit values first, then the environment, then defaults. Returns
    /// false with a one-line usage error when a value is unusable.
    /// </summary>
    public static bool TryResolve(
        GlobalSettings settings,
        Func<string, string?> environment,
        string machineName,
        [NotNullWhen(true)] out ConnectionOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        options = null;
        var serverText = FirstNonEmpty(settings.Server, environment(ServerVariable)) ?? DefaultServer;
        if (!TryParseServer(serverText, out var server, out error))
        {
            return false;
        }

        if (settings.DeadlineSeconds is not (> 0 and <= 3600) || double.IsNaN(settings.DeadlineSeconds))
        {
            error = "--deadline must be a number of seconds greater than 0 and at most 3600.";
            return false;
        }

        if (settings.Retries is < 0 or > MaxRetries)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"--retries must be between 0 and {MaxRetries}.");
            return false;
        }

        var deviceId = FirstNonEmpty(settings.Device, environment(DeviceVariable)) ?? DefaultDeviceId(machineName);
        if (!IsValidDeviceId(deviceId))
        {
            error = "--device must be 1 to 64 characters of letters, digits, '-', '_', '.', ':'.";
            return false;
        }

        options = new ConnectionOptions(server, TimeSpan.FromSeconds(settings.DeadlineSeconds), settings.Retries, deviceId);
        error = null;
        return true;
    }

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

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;
}
