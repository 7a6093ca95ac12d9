using System.ComponentModel;
using Spectre.Console.Cli;

namespace ELicense.Client.Cli;

/// <summary>
/// Where and how to call the server: the options every command of the inspector and of the load generator
/// takes (the inspector's GlobalSettings adds --json; elicense-bench's --json names a report file).
/// </summary>
public class ConnectionSettings : CommandSettings
{
    /// <summary>The server URL(s): the option repeated, or one value with commas.</summary>
    [CommandOption("--server <URL>")]
    [Description("Server URL, http:// or https://. Several replicas: repeat the option or separate with commas; calls are balanced over the replicas that answer and report SERVING. Default: $ELICENSE_SERVER (commas allowed), else http://127.0.0.1:5080.")]
    public string[]? Server { get; init; }

    /// <summary>The per-attempt deadline in seconds.</summary>
    [CommandOption("--deadline <SECONDS>")]
    [Description("Deadline of each call attempt, in seconds.")]
    [DefaultValue(5.0)]
    public double DeadlineSeconds { get; init; } = 5.0;

    /// <summary>This device's id.</summary>
    [CommandOption("--device <ID>")]
    [Description("Device id sent with scans. Default: $ELICENSE_DEVICE, else inspector-<machine name>.")]
    public string? Device { get; init; }

    /// <summary>Retries on UNAVAILABLE, and on RESOURCE_EXHAUSTED with a retry delay.</summary>
    [CommandOption("--retries <N>")]
    [Description("Retries when the server is unavailable (jittered exponential backoff from 200 ms) or rate-limits with a retry delay of at most 5 s (waits that delay).")]
    [DefaultValue(2)]
    public int Retries { get; init; } = 2;

    /// <summary>The API key; never printed.</summary>
    [CommandOption("--api-key <KEY>")]
    [Description("API key, sent as \"authorization: Bearer KEY\" on every call; never printed. Default: $ELICENSE_API_KEY (preferred: a command line is visible to other local users). Over http:// only to a loopback host.")]
    public string? ApiKey { get; init; }

    /// <summary>The client certificate file (PEM, or PKCS#12 .pfx/.p12).</summary>
    [CommandOption("--cert <FILE>")]
    [Description("Client certificate for mutual TLS (https:// only): a PEM certificate with --cert-key (or with its key in the same file), or a .pfx/.p12 with --cert-password. Default: $ELICENSE_CERT.")]
    public string? Cert { get; init; }

    /// <summary>The client certificate's private key file (PEM).</summary>
    [CommandOption("--cert-key <FILE>")]
    [Description("PEM private key of --cert (PKCS#8, PKCS#1 or SEC1; encrypted PKCS#8 with --cert-password). Default: $ELICENSE_CERT_KEY.")]
    public string? CertKey { get; init; }

    /// <summary>The password of a .pfx or of an encrypted PEM key; never printed.</summary>
    [CommandOption("--cert-password <PASSWORD>")]
    [Description("Password of a .pfx/.p12 --cert or of an encrypted --cert-key. Default: $ELICENSE_CERT_PASSWORD.")]
    public string? CertPassword { get; init; }

    /// <summary>The CA certificate that signed the server's certificate (PEM).</summary>
    [CommandOption("--ca <FILE>")]
    [Description("PEM CA certificate(s) to trust for the server's certificate instead of the system trust store, e.g. a private test CA (https:// only). Default: $ELICENSE_CA.")]
    public string? Ca { get; init; }
}
