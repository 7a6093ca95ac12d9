using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>The child process's life: waiting for it to listen, SIGTERM, its exit, and its end on dispose; every wait bounded.</summary>
public sealed partial class ServerProcess
{
    /// <summary>Waits until health answers on the gRPC port; fails if the process exits first or after <paramref name="deadline"/>.</summary>
    public async Task WaitUntilListeningAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var health = new Grpc.Health.V1.Health.HealthClient(Channel);
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode} before listening: {StandardError}");
            }

            try
            {
                await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: cancellationToken);
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.NotFound)
            {
                // Not listening yet, or the health publisher has not run yet (NOT_FOUND): a real process, so poll, bounded.
            }

            if (started.Elapsed > deadline)
            {
                throw new TimeoutException($"The server did not answer health within {deadline}. stderr: {StandardError}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Sends SIGTERM to this process's own pid, as a service manager or `docker stop` does; fails if `kill` does.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken = default)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        try
        {
            await kill.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        finally
        {
            // `kill` is a process this test started too: stopped by its handle on every path.
            if (!kill.HasExited)
            {
                kill.Kill();
            }
        }

        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>
    /// SIGKILL to this process by its own handle, as a crash or the OOM killer would: no drain, no audit flush,
    /// connections reset by the kernel. Returns once the process has exited; fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task KillAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false); // SIGKILL on Unix
        }

        await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
    }

    /// <summary>The exit code, once the process has exited and its output has been read to the end; fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
