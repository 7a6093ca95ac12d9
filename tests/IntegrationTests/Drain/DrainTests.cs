using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ELicense.IntegrationTests.Drain;

/// <summary>
/// A replica leaving: <see cref="ServerInstance.StopAsync"/> is Host.StopAsync, the path SIGTERM takes
/// (the child-process tests send the real signal). Each test runs its own replica, without Redis, and
/// holds one call inside the server (<see cref="HeldCalls"/>) to have a call in flight.
/// </summary>
public sealed class DrainTests : IAsyncLifetime
{
    /// <summary>Every name the server answers health for.</summary>
    public static readonly string[] HealthServices =
        ["", "registry", "audit", "redis", "elicense.v1.VerificationService", "elicense.v1.RegistryService"];

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("elicense-drain-it-").FullName;
    private readonly HeldCalls _held = new();
    private ServerInstance? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _held.Release();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task StopAsync_SlowCallInFlight_NotServingAtOnceWhileItAndNewCallsCompleteOk()
    {
        var server = await StartAsync(grace: TimeSpan.FromSeconds(5));
        var health = new Health.HealthClient(server.Channel);
        var license = await TestData.CreateLicenseAsync(server);
        var heldPayload = await TestData.IssueAsync(server, license.LicenseNumber);
        var laterPayload = await TestData.IssueAsync(server, license.LicenseNumber);
        var held = Scan(server, heldPayload, HeldCalls.Device);
        await _held.Entered.WaitAsync(Bound, Ct);

        var stopwatch = Stopwatch.StartNew();
        var stop = server.StopAsync();
        // NOT_SERVING is set by the drain's first step (no health publish would ever say it here), so it comes at once;
        // 2 s, well inside the 5 s grace, leaves room for six health calls on a busy machine.
        await TestData.EventuallyAsync(async () => await AllAsync(health, ServingStatus.NotServing), TimeSpan.FromSeconds(2));
        var notServingAfter = stopwatch.Elapsed;

        // The grace: still serving, a new call included.
        var later = await Scan(server, laterPayload, "drain-other-device").WaitAsync(Bound, Ct);
        Assert.Equal(Verdict.Valid, later.Verdict);
        Assert.False(stop.IsCompleted, "The replica stopped before its grace was over.");
        Assert.True(await AllAsync(health, ServingStatus.NotServing), "A health publish during the grace reverted NOT_SERVING.");

        _held.Release();
        var response = await held.WaitAsync(Bound, Ct);
        Assert.Equal(Verdict.Valid, response.Verdict);
        await stop.WaitAsync(Bound, Ct);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(5), $"The stop took {stopwatch.Elapsed}, less than the grace.");
        TestContext.Current.SendDiagnosticMessage($"drain: NOT_SERVING {notServingAfter.TotalMilliseconds:F0} ms after the stop began; stop took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task StopAsync_CallStillInFlightAfterGrace_KestrelWaitsForItThenStops()
    {
        var server = await StartAsync(grace: TimeSpan.FromMilliseconds(200));
        var license = await TestData.CreateLicenseAsync(server);
        var held = Scan(server, await TestData.IssueAsync(server, license.LicenseNumber), HeldCalls.Device);
        await _held.Entered.WaitAsync(Bound, Ct);

        var stop = server.StopAsync();
        // Past the grace Kestrel closes its listener first (new connections refused), then waits for the calls in flight.
        await TestData.EventuallyAsync(() => Task.FromResult(!Accepts(server.Address)), Bound);
        Assert.False(held.IsCompleted, "The call in flight ended when the listener closed.");
        Assert.False(stop.IsCompleted, "The replica stopped with a call still in flight.");

        _held.Release();
        var response = await held.WaitAsync(Bound, Ct);
        Assert.Equal(Verdict.Valid, response.Verdict);
        await stop.WaitAsync(Bound, Ct);
    }

    private async Task<ServerInstance> StartAsync(TimeSpan grace)
    {
        _server = await ServerInstance.StartAsync(_directory, "", [$"--Drain:Grace={grace}"], services =>
        {
            services.AddSingleton(_held);
            services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<HeldCalls>());
        });
        var health = new Health.HealthClient(_server.Channel);
        // Until the health publisher's first pass a name is unknown (NOT_FOUND); a replica still warming up on a busy
        // machine may miss a probe's deadline. Both: try again, within the bound.
        await TestData.EventuallyAsync(async () =>
        {
            try
            {
                return await AllAsync(health, ServingStatus.Serving, except: "redis");
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.DeadlineExceeded)
            {
                return false;
            }
        }, Bound);
        return _server;
    }

    private static Task<VerifyCredentialResponse> Scan(ServerInstance server, string payload, string device) =>
        server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = device },
            deadline: DateTime.UtcNow.Add(Bound), cancellationToken: Ct).ResponseAsync;

    /// <summary>True when every health name (but <paramref name="except"/>) reports <paramref name="expected"/>.</summary>
    public static async Task<bool> AllAsync(Health.HealthClient health, ServingStatus expected, string? except = null)
    {
        foreach (var service in HealthServices.Where(s => s != except))
        {
            var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);
            if (response.Status != expected)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Accepts(Uri address)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, address.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
