
using ELicense.V1;
using Grpc.Core;
using Xunit;
using Replay = ELicense.Server.Verification.Replay;

namespace ELicense.IntegrationTests.Infrastructure;

/// <summary>
/// A test's own redis-server and two replicas sharing it and one data directory, for tests that kill or
/// freeze Redis without disturbing the shared environment. Disposes all of it.
/// </summary>
public sealed class PrivateReplicas : IAsyncDisposable
{
    private PrivateReplicas(string dataDirectory) => DataDirectory = dataDirectory;

    public string DataDirectory { get; }

    public RedisServer Redis { get; private set; } = null!;

    public ServerInstance A { get; private set; } = null!;

    public ServerInstance B { get; private set; } = null!;

    /// <param name="name">Names the temporary data directory.</param>
    /// <param name="extraArgs">Configuration both replicas start with.</param>
    public static async Task<PrivateReplicas> StartAsync(string name, IEnumerable<string>? extraArgs = null)
    {
        var replicas = new PrivateReplicas(Directory.CreateTempSubdirectory($"elicense-{name}-").FullName);
        try
        {
            replicas.Redis = await RedisServer.StartAsync();
            replicas.A = await ServerInstance.StartAsync(replicas.DataDirectory, replicas.Redis.Configuration, extraArgs);
            replicas.B = await ServerInstance.StartAsync(replicas.DataDirectory, replicas.Redis.Configuration, extraArgs);
            return replicas;
        }
        catch
        {
            await replicas.DisposeAsync();
            throw;
        }
    }

    /// <summary>A generous deadline: a call stuck behind a dead Redis fails the test instead of hanging it.</summary>
    public static CallOptions Call => new(deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: TestContext.Current.CancellationToken);

    public static Task<VerifyCredentialResponse> ScanAsync(ServerInstance replica, string payload, string device) =>
        replica.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = device }, Call).ResponseAsync;

    /// <summary>Scans fresh credentials on <paramref name="replica"/> until one is checked against Redis again.</summary>
    public static async Task WaitUntilSharedAsync(ServerInstance replica, string licenseNumber)
    {
        await TestData.EventuallyAsync(async () =>
        {
            var probe = await ScanAsync(replica, await TestData.IssueAsync(replica, licenseNumber), "probe-device");
            return probe.ReplayCheck != ReplayCheck.LocalOnly;
        }, TimeSpan.FromSeconds(20));
    }

    /// <summary>True while <paramref name="replica"/>'s replay answers against Redis are not authoritative.</summary>
    public static bool SharedIncomplete(ServerInstance replica) => replica.GetService<Replay.ReplayGuard>().SharedIncomplete;

    /// <summary>Claims <paramref name="replica"/> has written back into Redis since it started.</summary>
    public static long WrittenBack(ServerInstance replica) => replica.GetService<Replay.ClaimWriteBack>().Written;

    /// <summary>Claims <paramref name="replica"/>'s write-back has written or found already held since it started.</summary>
    public static long WriteBackSettled(ServerInstance replica) => replica.GetService<Replay.ClaimWriteBack>().Settled;

    /// <summary>Stops <paramref name="replica"/>'s heartbeat and write-back as a clean shutdown (a rolling deploy) does.</summary>
    public static Task StopCleanlyAsync(ServerInstance replica) =>
        replica.GetService<Replay.ClaimWriteBack>().StopAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>True when <paramref name="replica"/>'s Redis breaker is open.</summary>
    public static bool BreakerOpen(ServerInstance replica) =>
        replica.GetService<ELicense.Server.Resilience.CircuitStates>().Redis.CircuitState == Polly.CircuitBreaker.CircuitState.Open;

    public async ValueTask DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
