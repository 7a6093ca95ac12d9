using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ELicense.Client.Cli;

namespace ELicense.Client.Connection;

/// <summary>Where and how to call the server: the global options, resolved against the environment.</summary>
public sealed partial record ConnectionOptions(Uri Server, TimeSpan Deadline, int Retries, string DeviceId)
{
    /// <summary>The server used when neither --server nor ELICENSE_SERVER is given.</summary>
    public const string DefaultServer = "http://127.0.0.1:5080";

    /// <summary>Environment variable naming the server.</summary>
    public const string ServerVariable = "ELICENSE_SERVER";

    /// <summary>Environment variable naming this device.</summary>
    public const string DeviceVariable = "ELICENSE_DEVICE";

    /// <summary>Environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "ELICENSE_API_KEY";

    /// <summary>Environment variable naming the client certificate file.</summary>
    public const string CertVariable = "ELICENSE_CERT";

    /// <summary>Environment variable naming the client certificate's key file.</summary>
    public const string CertKeyVariable = "ELICENSE_CERT_KEY";

    /// <summary>Environment variable holding the client certificate's password.</summary>
    public const string CertPasswordVariable = "ELICENSE_CERT_PASSWORD";

    /// <summary>Environment variable naming the CA file for the server certificate.</summary>
    public const string CaVariable = "ELICENSE_CA";

    /// <summary>The longest accepted API key.</summary>
    public const int MaxApiKeyLength = 4096;

    /// <summary>The largest accepted --retries.</summary>
    public const int MaxRetries = 10;

    private const int MaxDeviceIdLength = 64;

    /// <summary>The API key sent as "authorization: Bearer KEY", or null.</summary>
    public Secret? ApiKey { get; init; }

    /// <summary>The client certificate file (PEM or PKCS#12), or null.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>The client certificate's PEM key file, or null (PKCS#12, or key in the certificate file).</summary>
    public string? CertificateKeyFile { get; init; }

    /// <summary>The password of the PKCS#12 file or of the encrypted PEM key, or null.</summary>
    public Secret? CertificatePassword { get; init; }

    /// <summary>The PEM file of the CA(s) to trust for the server certificate, or null for the system trust.</summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// Every replica to balance over, <see cref="Server"/> first. One address is today's single channel;
    /// several make a load-balanced channel (see <see cref="ReplicaChannel"/>).
    /// </summary>
    public IReadOnlyList<Uri> Servers
    {
        // A copy `with { Server = ... }` that does not also set Servers falls back to that one server.
        get => _servers is { Count: > 0 } servers && servers[0] == Server ? servers : [Server];
        init => _servers = value;
    }

    private readonly IReadOnlyList<Uri>? _servers;

    /// <summary>True when calls are balanced over several replicas.</summary>
    public bool IsBalanced => Servers.Count > 1;

    /// <summary>True for an https:// server.</summary>
    public bool UsesTls => Server.Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// True when call credentials must be sent although the channel is plain http:// (Grpc.Net.Client's
    /// UnsafeUseInsecureChannelCallCredentials). <see cref="TryResolve"/> allows that only for loopback hosts.
    /// </summary>
    public bool SendsCredentialsInsecurely => ApiKey is not null && !UsesTls;

    /// <summary>
    /// Resolves the global options: explicit values first, then the environment, then defaults. Returns
    /// false with a one-line usage error when a value is unusable.
    /// </summary>
    public static bool TryResolve(
        ConnectionSettings settings,
        Func<string, string?> environment,
        string machineName,
        [NotNullWhen(true)] out ConnectionOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        options = null;
        // --server (repeated or comma-separated) wins over ELICENSE_SERVER (comma-separated), as one value did.
        IEnumerable<string> serverValues = settings.Server is { Length: > 0 } given && given.Any(v => !string.IsNullOrWhiteSpace(v))
            ? given
            : [FirstNonEmpty(null, environment(ServerVariable)) ?? DefaultServer];
        if (!ServerAddresses.TryParse(serverValues, out var servers, out error))
        {
            return false;
        }

        var server = servers[0];

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

        var apiKeyText = FirstNonEmpty(settings.ApiKey, environment(ApiKeyVariable));
        if (apiKeyText is not null && !IsValidApiKey(apiKeyText))
        {
            // The key itself is never echoed.
            error = $"the API key (--api-key or {ApiKeyVariable}) must be 1 to {MaxApiKeyLength} printable ASCII characters without spaces.";
            return false;
        }

        // Every replica gets the key, so every one of them must pass the rule.
        if (apiKeyText is not null && servers.FirstOrDefault(s => s.Scheme == Uri.UriSchemeHttp && !IsLoopback(s)) is { } remote)
        {
            error = $"refusing to send the API key over plain http:// to {remote.Host}, which is not a loopback host: use an https:// server " +
                "(http:// is allowed only for 127.0.0.0/8, ::1 and localhost).";
            return false;
        }

        var cert = FirstNonEmpty(settings.Cert, environment(CertVariable));
        var certKey = FirstNonEmpty(settings.CertKey, environment(CertKeyVariable));
        var certPassword = FirstNonEmpty(settings.CertPassword, environment(CertPasswordVariable));
        var ca = FirstNonEmpty(settings.Ca, environment(CaVariable));
        if (cert is null && certKey is not null)
        {
            error = "--cert-key goes with --cert (the client certificate).";
            return false;
        }

        if (cert is null && certPassword is not null)
        {
            error = "--cert-password goes with --cert (the client certificate).";
            return false;
        }

        if (server.Scheme == Uri.UriSchemeHttp && (cert is not null || ca is not null))
        {
            error = $"--cert and --ca are for TLS: use an https:// server (got {server}).";
            return false;
        }

        options = new ConnectionOptions(server, TimeSpan.FromSeconds(settings.DeadlineSeconds), settings.Retries, deviceId)
        {
            ApiKey = apiKeyText is null ? null : new Secret(apiKeyText),
            CertificateFile = cert,
            CertificateKeyFile = certKey,
            CertificatePassword = certPassword is null ? null : new Secret(certPassword),
            CaFile = ca,
            Servers = servers,
        };
        error = null;
        return true;
    }

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;
}
