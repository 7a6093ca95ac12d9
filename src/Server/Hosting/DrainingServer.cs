using ELicense.Server.Internal;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ELicense.Server.Hosting;

/// <summary>
/// Kestrel, with two additions. Its stop waits at most <see cref="DrainOptions.MaxCallDuration"/> for
/// calls in flight (the host's token alone would let it take the whole shutdown budget, leaving nothing
/// to flush the audit queue), and begins by ending the long-lived streams (<see cref="DrainingStreamsInterceptor"/>).
/// A port already taken at start becomes one line naming <c>Urls</c>.
/// </summary>
public sealed class DrainingServer(IServer kestrel, IOptions<DrainOptions> options, DrainState state, StartupFailures failures, TimeProvider time)
    : IServer, IAsyncDisposable
{
    public IFeatureCollection Features => kestrel.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        try
        {
            await kestrel.StartAsync(application, cancellationToken);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            throw failures.Fail($"Urls: {e.Message} Another replica on this host? Give each its own port, e.g. --Urls=http://127.0.0.1:5081.", e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The grace is over: the health Watch and idle VerifyCredentials streams end now instead of holding the drain.
        state.EndStreams();
        using var drain = new CancellationTokenSource(options.Value.MaxCallDuration, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drain.Token);
        await kestrel.StopAsync(linked.Token);
    }

    public void Dispose() => kestrel.Dispose();

    public async ValueTask DisposeAsync()
    {
        if (kestrel is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            kestrel.Dispose();
        }
    }
}
