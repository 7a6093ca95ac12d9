using System.Diagnostics;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Core;
using Xunit;

namespace ELicense.IntegrationTests;

/// <summary>
/// The pub/sub bus goes away (Redis killed, or frozen so that its connections stay open): a revocation
/// through replica A still reaches replica B within a second through the change feed, B's cached answers
/// say invalidation is not live and carry the lag bound, and say live again once B has caught up.
/// A private Redis and private replicas, so that killing or freezing Redis disturbs no other test.
/// </summary>
public sealed class InvalidationOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500); // the production default

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("elicense-invalidation-outage-").FullName;
    private RedisServer _redis = null!;
    private ServerInstance _a = null!;
    private ServerInstance _b = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A call stuck behind a dead or frozen Redis fails the test instead of hanging it.
    private static CallOptions Call => new(deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        string[] args = [$"--Cache:ChangeFeedInterval={Interval}"];
        _a = await ServerInstance.StartAsync(_dataDirectory, _redis.Configuration, args);
        _b = await ServerInstance.StartAsync(_dataDirectory, _redis.Configuration, args);
    }

    [Fact]
    public Task UpdateLicenseStatus_RedisKilled_ReplicaBNotValidWithinASecondAndSaysFeedOnly() =>
        RevokeDuringOutageAsync("killed", _redis.StopAsync, _redis.RestartAsync);

    [Fact]
    public Task UpdateLicenseStatus_RedisFrozen_ReplicaBNotValidWithinASecondAndSaysFeedOnly() =>
        RevokeDuringOutageAsync("frozen", _redis.FreezeAsync, _redis.ThawAsync);

    private async Task RevokeDuringOutageAsync(string outage, Func<Task> breakRedis, Func<Task> mendRedis)
    {
        var license = await TestData.CreateLicenseAsync(_a);
        var payload = await TestData.IssueAsync(_a, license.LicenseNumber);
        var live = await EventuallyFromMemoryAsync(license.LicenseNumber, InvalidationPath.Live, TimeSpan.FromSeconds(15));
        Assert.Equal(Verdict.Valid, (await VerifyOnBAsync(payload)).Verdict);

        await breakRedis();
        var detection = Stopwatch.StartNew();
        var during = await EventuallyFromMemoryAsync(license.LicenseNumber, InvalidationPath.FeedOnly, TimeSpan.FromSeconds(5));
        var detectedAfter = detection.Elapsed;
        var verifyDuring = await VerifyOnBAsync(payload);

        // Revoke through A, and time until B refuses the credential: from the call returning (the bound) and from its start.
        var revoked = Stopwatch.StartNew();
        await _a.Registry.UpdateLicenseStatusAsync(
            new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Revoked }, Call);
        var callTook = revoked.Elapsed;
        VerifyCredentialResponse afterRevoke;
        while ((afterRevoke = await VerifyOnBAsync(payload)).Verdict != Verdict.LicenseNotValid && revoked.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10, Ct);
        }

        var notValidAfter = revoked.Elapsed;
        var afterReturn = notValidAfter - callTook;

        await mendRedis();
        var mended = Stopwatch.StartNew();
        var other = await TestData.CreateLicenseAsync(_a);
        var liveAgain = await EventuallyFromMemoryAsync(other.LicenseNumber, InvalidationPath.Live, TimeSpan.FromSeconds(30));
        var liveAfter = mended.Elapsed;

        TestContext.Current.SendDiagnosticMessage(
            $"Redis {outage}: B said FEED_ONLY {detectedAfter.TotalMilliseconds:0} ms after; revocation NOT_VALID on B {afterReturn.TotalMilliseconds:0} ms after the revoke call returned ({notValidAfter.TotalMilliseconds:0} ms after it began); " +
            $"max_lag during the outage {during.MaxLag.ToTimeSpan().TotalMilliseconds:0} ms; LIVE again {liveAfter.TotalMilliseconds:0} ms after Redis returned.");
        Assert.Equal(InvalidationPath.Live, live.Invalidation);
        Assert.InRange(live.MaxLag.ToTimeSpan(), TimeSpan.Zero, Interval * 2);
        Assert.Equal(Verdict.Valid, verifyDuring.Verdict);
        Assert.Equal(DataSource.Memory, verifyDuring.Freshness.Source);
        Assert.Equal(InvalidationPath.FeedOnly, verifyDuring.Freshness.Invalidation);
        Assert.False(verifyDuring.Freshness.Stale);
        Assert.InRange(during.MaxLag.ToTimeSpan(), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(Verdict.LicenseNotValid, afterRevoke.Verdict);
        Assert.True(afterReturn < TimeSpan.FromSeconds(1), $"B still answered VALID {afterReturn.TotalMilliseconds:0} ms after the revocation returned.");
        Assert.Equal(InvalidationPath.Live, liveAgain.Invalidation);
    }

    /// <summary>Reads the licence on B until an answer from B's memory reports <paramref name="path"/>.</summary>
    private async Task<Freshness> EventuallyFromMemoryAsync(string licenseNumber, InvalidationPath path, TimeSpan deadline)
    {
        Freshness? seen = null;
        await TestData.EventuallyAsync(async () =>
        {
            var read = await _b.Verification.GetLicenseAsync(
                new GetLicenseRequest { LicenseNumber = licenseNumber, Purpose = LookupPurpose.RoadsideCheck }, Call);
            seen = read.Freshness;
            return read.Freshness.Source == DataSource.Memory && read.Freshness.Invalidation == path;
        }, deadline);
        return seen!;
    }

    private async Task<VerifyCredentialResponse> VerifyOnBAsync(string payload) =>
        await _b.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "handheld-b" }, Call);

    public async ValueTask DisposeAsync()
    {
        if (await _redis.PingAsync() is false)
        {
            try
            {
                await _redis.ThawAsync(); // a failed frozen test must not leave shutdown waiting on a stopped process
            }
            catch (InvalidOperationException)
            {
                // not running: nothing to thaw
            }
        }

        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
