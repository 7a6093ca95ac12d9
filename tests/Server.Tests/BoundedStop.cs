using Microsoft.Extensions.Hosting;

namespace ELicense.Server.Tests;

/// <summary>
/// Stops a background service in a test's cleanup with a bound. <c>StopAsync(CancellationToken.None)</c>
/// waits for the service's loop for ever: a loop that does not end would hang the test in its cleanup,
/// where xunit has not yet reported it, so the run would sit silent instead of naming it.
/// </summary>
internal static class BoundedStop
{
    /// <summary>How long a stopping loop may take; they all end within a second or a probe's timeout (5 s).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Stops <paramref name="service"/>; throws when its loop is still running <see cref="Bound"/> later.</summary>
    public static async Task StopWithinBoundAsync(this BackgroundService service)
    {
        using var bound = new CancellationTokenSource(Bound);
        await service.StopAsync(bound.Token); // returns when the bound passes, the loop still running
        if (service.ExecuteTask is { IsCompleted: false })
        {
            throw new TimeoutException($"{service.GetType().Name} did not stop within {Bound} of StopAsync.");
        }
    }
}
