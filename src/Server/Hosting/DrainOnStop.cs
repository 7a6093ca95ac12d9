using Microsoft.Extensions.Options;

namespace ELicense.Server.Hosting;

/// <summary>
/// The first step of every stop (SIGTERM, Ctrl+C, a service manager, <c>app.StopAsync</c>: all take
/// Host.StopAsync): NOT_SERVING on every gRPC health service at once, then the grace, during which
/// Kestrel still serves, so clients that watch health leave without a failed call. Only then do the
/// hosted services stop: Kestrel refuses new calls (GOAWAY) and drains those in flight
/// (<see cref="DrainingServer"/> bounds that), then the rest of the server stops.
/// Registered last, so its <see cref="StoppingAsync"/> runs first (the host stops in reverse order, one at a time).
/// </summary>
public sealed partial class DrainOnStop(DrainState state, DrainingHealthPublisher health, IOptions<DrainOptions> options,
    TimeProvider time, ILogger<DrainOnStop> logger) : IHostedLifecycleService
{
    private long _started;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!state.Begin())
        {
            return;
        }

        _started = time.GetTimestamp();
        var grace = options.Value.Grace;
        var services = health.SetNotServing();
        LogDraining(logger, services, grace, options.Value.MaxCallDuration);
        try
        {
            await Task.Delay(grace, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop budget ran out (it is set above grace + call drain, so only when configured so): stop now.
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (state.IsDraining)
        {
            var elapsed = time.GetElapsedTime(_started);
            LogDrained(logger, elapsed);
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Draining: NOT_SERVING on {Services} health services, still serving for {Grace}, then calls in flight get up to {MaxCallDuration}.")]
    private static partial void LogDraining(ILogger logger, int services, TimeSpan grace, TimeSpan maxCallDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: stopped {Elapsed} after the stop began.")]
    private static partial void LogDrained(ILogger logger, TimeSpan elapsed);
}
