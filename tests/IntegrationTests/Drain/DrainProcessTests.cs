using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Health.V1;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ELicense.IntegrationTests.Drain;

/// <summary>
/// The server as a real child process: SIGTERM to its pid, its exit code, its stderr when a port is taken.
/// Each test owns its process and data directory and stops the process in DisposeAsync if it still runs.
/// The process is real, so waits poll with a deadline.
/// </summary>
public sealed class DrainProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-drain-proc-it-").FullName;
    private ServerProcess? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Sigterm_DuringGrace_NotServingCallsSucceedAndExitCodeZero()
    {
        var grace = TimeSpan.FromSeconds(5);
        _server = ServerProcess.Start(_directory, [$"--Drain:Grace={grace}"]);
        await _server.WaitUntilListeningAsync(StartBound, Ct);
        var health = new Health.HealthClient(_server.Channel);
        var verification = new VerificationService.VerificationServiceClient(_server.As(TestCallers.Officer));
        Assert.True(await DrainTests.AllAsync(health, ServingStatus.Serving, except: "redis"));

        var stopwatch = Stopwatch.StartNew();
        await _server.TerminateAsync(Ct);
        await TestData.EventuallyAsync(async () => await DrainTests.AllAsync(health, ServingStatus.NotServing), TimeSpan.FromSeconds(3));
        var notServingAfter = stopwatch.Elapsed;

        // Within the grace a call still gets its answer (a verdict: this QR text is no credential).
        var response = await verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = "not-a-credential", DeviceId = "drain-proc" },
            deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct);
        Assert.Equal(Verdict.Malformed, response.Verdict);
        Assert.True(stopwatch.Elapsed < grace, $"The call came {stopwatch.Elapsed} after SIGTERM, past the grace: the test proves nothing.");
        Assert.False(_server.HasExited);

        Assert.Equal(0, await _server.WaitForExitAsync(ExitBound, Ct));
        Assert.True(stopwatch.Elapsed >= grace, $"The process exited {stopwatch.Elapsed} after SIGTERM, within its grace.");
        Assert.Contains("Draining: NOT_SERVING", _server.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Drained:", _server.StandardOutput, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"SIGTERM: NOT_SERVING after {notServingAfter.TotalMilliseconds:F0} ms, exit after {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Start_MetricsUrlInUse_OneLineOnStderrNamingMetricsUrlAndNonZeroExit()
    {
        using var taken = Occupy(out var port);
        _server = ServerProcess.Start(_directory, [$"--Metrics:Url=http://127.0.0.1:{port}"]);

        var exitCode = await _server.WaitForExitAsync(ExitBound, Ct);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(Lines(_server.StandardError));
        Assert.Contains("Metrics:Url", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _server.StandardError + _server.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UrlsInUse_OneLineOnStderrNamingUrlsAndNonZeroExit()
    {
        using var taken = Occupy(out var port);
        _server = ServerProcess.Start(_directory, port: port);

        var exitCode = await _server.WaitForExitAsync(ExitBound, Ct);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(Lines(_server.StandardError));
        Assert.StartsWith("elicense-server: Urls:", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _server.StandardError + _server.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OtherFailure_KeepsItsUsualReport()
    {
        // A failure that is not a taken port (invalid options) is reported as before: not as a one-line port error.
        _server = ServerProcess.Start(_directory, ["--Drain:Grace=-00:00:01"]);

        var exitCode = await _server.WaitForExitAsync(ExitBound, Ct);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Drain:Grace", _server.StandardError + _server.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("elicense-server: ", _server.StandardError, StringComparison.Ordinal);
    }

    /// <summary>A listening socket on a free loopback port, as another replica's would be.</summary>
    private static TcpListener Occupy(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
