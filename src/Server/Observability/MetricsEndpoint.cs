using ELicense.Server.Internal;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace ELicense.Server.Observability;

/// <summary>
/// The Prometheus scrape endpoint on its own small HTTP/1.1 listener. The gRPC endpoint is cleartext
/// HTTP/2 with prior knowledge, which Prometheus does not speak, and Kestrel's cleartext
/// Http1AndHttp2 falls back to HTTP/1.1 only; a second listener keeps both protocols clean and keeps
/// metrics off the port that callers reach.
/// </summary>
public sealed partial class MetricsEndpoint(MeterProvider meterProvider, IOptions<MetricsOptions> options, StartupFailures failures,
    ILogger<MetricsEndpoint> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The scrape address once started (the real port when the configured one was 0); null when turned off.</summary>
    public Uri? ScrapeUri { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Url.Length == 0)
        {
            return;
        }

        // An empty builder: none of the server's configuration (its Urls, its HTTP/2-only defaults) leaks in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(settings.Url)
            .ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http1));
        _app = builder.Build();
        _app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, path: settings.Path,
            configureBranchedPipeline: null, optionsName: null);
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            // The usual cause is a second replica on the host with the default port: say so, in one line.
            throw failures.Fail(
                $"Metrics:Url {settings.Url} is already in use (another replica on this host?): give each replica its own port, " +
                "e.g. --Metrics:Url=http://127.0.0.1:9465, or --Metrics:Url= to turn the endpoint off.", e);
        }

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? settings.Url;
        ScrapeUri = new Uri(new Uri(address), settings.Path);
        LogListening(logger, ScrapeUri);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus metrics at {Uri}.")]
    private static partial void LogListening(ILogger logger, Uri uri);
}
