using System.Diagnostics;

namespace ELicense.Testing;

/// <summary>One bounded <c>redis-cli</c> run (e.g. <c>--cluster create</c>), killed by its own handle if it overruns.</summary>
internal static class RedisCli
{
    /// <summary>Runs redis-cli with <paramref name="args"/>; throws on a non-zero exit, or <see cref="TimeoutException"/> past <paramref name="timeout"/>.</summary>
    public static async Task RunAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(RedisBinaries.Cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            // Overran, or the caller gave up: either way this run is ours to end, by its own handle.
            await KillAsync(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"redis-cli {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"redis-cli {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(bound.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Exited meanwhile, or did not die within the bound (nothing more to do by its handle).
        }
    }
}
