using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using ServerCredentials = ELicense.Server.Credentials;

namespace ELicense.IntegrationTests.Postgres;

/// <summary>The calls the PostgreSQL fault tests make, each with a deadline, and the honest failures they expect.</summary>
internal static class FaultCalls
{
    /// <summary>
    /// The registry budgets of the fault tests' replicas: a query waits at most 1 s an attempt and 2 s in
    /// all (half the defaults), so a cut call ends well inside <see cref="Call"/>'s deadline and a hang cannot
    /// hide behind it. Tighter (400 ms an attempt) and a freshly started replica's first write, opening its
    /// first connections on a machine busy with parallel tests, was seen to fail every attempt.
    /// </summary>
    public static readonly IReadOnlyList<string> ShortRegistryBudget =
        ["--Resilience:RegistryTimeout=00:00:01", "--Resilience:RegistryTotalTimeout=00:00:02"];

    /// <summary>A deadline a call stuck behind a dead or locked database would run into, failing the test instead of hanging it.</summary>
    public static CallOptions Call(double seconds = 5) =>
        new(deadline: DateTime.UtcNow.AddSeconds(seconds), cancellationToken: TestContext.Current.CancellationToken);

    public static async Task<GetLicenseResponse> GetAsync(ServerInstance server, string licenseNumber, double seconds = 5) =>
        await server.Verification.GetLicenseAsync(new GetLicenseRequest { LicenseNumber = licenseNumber, Purpose = LookupPurpose.RoadsideCheck }, Call(seconds));

    public static async Task<VerifyCredentialResponse> VerifyAsync(ServerInstance server, string payload, string device, double seconds = 5) =>
        await server.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = device }, Call(seconds));

    public static async Task UpdateStatusAsync(ServerInstance server, string licenseNumber, LicenseStatus status, double seconds = 5) =>
        await server.Registry.UpdateLicenseStatusAsync(new UpdateLicenseStatusRequest { LicenseNumber = licenseNumber, Status = status }, Call(seconds));

    /// <summary>True when <paramref name="e"/> is UNAVAILABLE and says when to retry (a google.rpc.RetryInfo detail).</summary>
    public static bool IsUnavailableWithRetryInfo(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable && e.GetRpcStatus()?.GetDetail<Google.Rpc.RetryInfo>() is { RetryDelay: not null };

    /// <summary>Runs <paramref name="call"/>, which must fail UNAVAILABLE with RetryInfo; returns how long it took to fail.</summary>
    public static async Task<TimeSpan> UnavailableAsync(Func<Task> call)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(IsUnavailableWithRetryInfo(error), $"Expected UNAVAILABLE with RetryInfo, got {error.StatusCode}: {error.Status.Detail}");
        return started.Elapsed;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, taking UNAVAILABLE with RetryInfo (what a replica
    /// answers while it recovers, e.g. on pooled connections a restart broke) as "not yet"; returns how long
    /// it took and how many calls were refused meanwhile. Any other failure fails the test.
    /// </summary>
    public static async Task<(TimeSpan After, int Refused)> EventuallyDespiteRefusalsAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var refused = 0;
        var after = await TestData.EventuallyAsync(async () =>
        {
            try
            {
                return await condition();
            }
            catch (RpcException e) when (IsUnavailableWithRetryInfo(e))
            {
                refused++;
                return false;
            }
        }, deadline);
        return (after, refused);
    }

    /// <summary>
    /// Waits until <paramref name="replica"/>'s change feed has passed every write committed so far. A copy a
    /// replica read before it learnt of a change to that key (a licence's creation, say) is dropped when it
    /// does, since it cannot tell the read came after the commit; a copy read after this wait is kept.
    /// </summary>
    public static async Task CaughtUpAsync(ServerInstance replica, string database)
    {
        var committed = await PostgresProbe.ScalarAsync<long>(database, "SELECT seq FROM registry.change_counter");
        var tracker = replica.GetService<ELicense.Server.Caching.ChangeTracker>();
        await TestData.EventuallyAsync(() => Task.FromResult(tracker.Sequence >= committed), TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// A credential for <paramref name="license"/> signed with the development key in <paramref name="keyDirectory"/>,
    /// minted here rather than by the server so that no replica reads (and caches) the licence to issue it.
    /// </summary>
    public static string Mint(string keyDirectory, License license)
    {
        var options = new ServerCredentials.CredentialOptions { DevelopmentKeyPath = Path.Combine(keyDirectory, "issuer-dev-key.pem") };
        using var ring = ServerCredentials.KeyRingLoader.Load(options, TimeProvider.System, NullLogger.Instance);
        var issuer = new ServerCredentials.CredentialIssuer(ring, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);
        return issuer.Issue(license).QrPayload;
    }
}
