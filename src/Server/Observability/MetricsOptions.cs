using System.ComponentModel.DataAnnotations;

namespace ELicense.Server.Observability;

/// <summary>Where the Prometheus scrape endpoint listens.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// The scrape endpoint's HTTP/1.1 listener, e.g. http://127.0.0.1:9464 (port 0 picks a free one).
    /// Its own port because the gRPC endpoint speaks HTTP/2 only and Prometheus scrapes over HTTP/1.1.
    /// Empty turns the endpoint off; the instruments still exist for other listeners (dotnet-counters).
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:9464";

    /// <summary>The scrape path.</summary>
    public string Path { get; set; } = "/metrics";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url.Length > 0 && (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/"))
        {
            yield return new ValidationResult($"Metrics:Url must be an http:// address with no path (got \"{Url}\"), or empty to turn the endpoint off.", [nameof(Url)]);
        }

        if (!Path.StartsWith('/') || Path.Length < 2)
        {
            yield return new ValidationResult($"Metrics:Path must start with '/' (got \"{Path}\").", [nameof(Path)]);
        }
    }
}
