
using System.Net;
using System.Net.Sockets;
using System.Text;
using ELicense.IntegrationTests.Infrastructure;
using ELicense.V1;
using Grpc.Health.V1;
using StackExchange.Redis;
using Xunit;
using CacheKeys = ELicense.Server.Caching.CacheKeys;
using RedisConnection = ELicense.Server.Caching.RedisConnection;
using RedisKeyAgreement = ELicense.Server.Caching.RedisKeyAgreement;
using RedisKeyMaterial = ELicense.Server.Caching.RedisKeyMaterial;
using ELicense.Core.Identifiers;

namespace ELicense.IntegrationTests;

/// <summary>What anyone with access to Redis sees: hashed keys and sealed values, never whom a check was about.</summary>
[Collection(SharedEnvironmentCollection.Name)]
public class RedisPrivacyTests(SharedEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task CachedInRedisByReplicaAAsync(ConnectionMultiplexer redis, string licenseNumber, RedisKey key) =>
        env.CacheThroughReplicaAAsync(redis.GetDatabase(), licenseNumber, key);

    private static GetLicenseRequest Lookup(string number) => new() { LicenseNumber = number, Purpose = LookupPurpose.RoadsideCheck };

    [Fact]
    public async Task VerifyAndLookups_EveryKeyValueAndCommandInRedis_HoldNoPersonalDataInClear()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        var vehicle = (await env.ServerA.Registry.UpsertVehicleAsync(new UpsertVehicleRequest { Vehicle = TestData.NewVehicle() }, cancellationToken: Ct)).Vehicle;
        var payload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber);
        await using var monitor = await RedisMonitor.StartAsync(env.Redis.Port);

        // Reads until both replicas have cached in Redis (a read is cached once the replica followed the feed past the record's creation).
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Redis.Configuration);
        var licenseKey = new RedisKey("el:v1:" + env.ServerA.GetService<CacheKeys>().License(license.LicenseNumber));
        await CachedInRedisByReplicaAAsync(redis, license.LicenseNumber, licenseKey);
        var verdict = await env.ServerB.Verification.VerifyCredentialAsync(new VerifyCredentialRequest { QrPayload = payload, DeviceId = "privacy-1" }, cancellationToken: Ct);
        await env.ServerA.Verification.CheckVehicleAsync(new CheckVehicleRequest { Plate = vehicle.Plate }, cancellationToken: Ct);
        await env.ServerB.Verification.CheckVehicleAsync(new CheckVehicleRequest { Vin = vehicle.Vin }, cancellationToken: Ct);
        // A write: Redis deletes and an invalidation message on the channel.
        await env.ServerA.Registry.UpdateLicenseStatusAsync(
            new UpdateLicenseStatusRequest { LicenseNumber = license.LicenseNumber, Status = LicenseStatus.Suspended }, cancellationToken: Ct);
        await env.ServerB.Verification.GetLicenseAsync(Lookup(license.LicenseNumber), cancellationToken: Ct);
        var commands = await monitor.StopAsync(redis);

        Assert.Equal(Verdict.Valid, verdict.Verdict);
        string[] personal = [license.LicenseNumber, license.FileNumber, license.HolderName, vehicle.Vin, vehicle.Plate.Number, vehicle.OwnerName];
        Assert.Contains("PUBLISH", commands, StringComparison.OrdinalIgnoreCase); // the invalidation message was seen
        Assert.Contains("\"SET\"", commands, StringComparison.OrdinalIgnoreCase);
        foreach (var value in personal)
        {
            Assert.DoesNotContain(value, commands, StringComparison.Ordinal);
            Assert.DoesNotContain(RedisMonitor.Escape(value), commands, StringComparison.Ordinal);
        }

        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var scanned = 0;
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 1000))
        {
            scanned++;
            var name = Encoding.UTF8.GetString((byte[])key!);
            // GET for strings (all the server writes): DUMP compresses long strings, which could hide a clear value.
            var dump = await redis.GetDatabase().KeyTypeAsync(key) == RedisType.String
                ? (byte[]?)await redis.GetDatabase().StringGetAsync(key) ?? []
                : (byte[]?)await redis.GetDatabase().KeyDumpAsync(key) ?? [];
            foreach (var value in personal)
            {
                Assert.DoesNotContain(value, name, StringComparison.Ordinal);
                Assert.False(Contains(dump, Encoding.UTF8.GetBytes(value)), $"{name} holds '{value}' in clear");
            }
        }

        Assert.True(scanned >= 4, $"only {scanned} keys in Redis"); // licence, plate, VIN, fingerprint at least
    }

    [Fact]
    public async Task GetLicense_CachedByReplicaA_ReadFromRedisByReplicaB()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Redis.Configuration);
        var key = new RedisKey("el:v1:" + env.ServerA.GetService<CacheKeys>().License(license.LicenseNumber));
        await CachedInRedisByReplicaAAsync(redis, license.LicenseNumber, key);

        var onB = await env.ServerB.Verification.GetLicenseAsync(Lookup(license.LicenseNumber), cancellationToken: Ct);

        Assert.Equal(DataSource.Redis, onB.Freshness.Source);
        Assert.Equal(license.HolderName, onB.License.HolderName);
        Assert.Equal(env.ServerA.GetService<RedisKeyMaterial>().Fingerprint, env.ServerB.GetService<RedisKeyMaterial>().Fingerprint);
        Assert.Equal(RedisKeyAgreement.Agreed, env.ServerB.GetService<RedisConnection>().KeyAgreement);
    }

    [Fact]
    public async Task GetLicense_SealedValueAlteredInRedis_MissReadFromRegistryAndCounted()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Redis.Configuration);
        var key = new RedisKey("el:v1:" + env.ServerA.GetService<CacheKeys>().License(license.LicenseNumber));
        await CachedInRedisByReplicaAAsync(redis, license.LicenseNumber, key);
        var value = (byte[])(await redis.GetDatabase().StringGetAsync(key))!;
        value[^1] ^= 0x01; // one bit of the tag
        await redis.GetDatabase().StringSetAsync(key, value);
        var sealer = env.ServerB.GetService<ELicense.Server.Caching.RedisValueSealer>();
        var failuresBefore = sealer.Failures;

        var onB = await env.ServerB.Verification.GetLicenseAsync(Lookup(license.LicenseNumber), cancellationToken: Ct);

        Assert.Equal(DataSource.Registry, onB.Freshness.Source);
        Assert.Equal(license.HolderName, onB.License.HolderName);
        Assert.Equal(failuresBefore + 1, sealer.Failures);
    }

    [Fact]
    public async Task GetLicense_OldAuthenticValuePutBackInRedis_MissReadFromRegistry()
    {
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Redis.Configuration);
        var redisKey = "el:v1:" + env.ServerA.GetService<CacheKeys>().License(license.LicenseNumber);
        await CachedInRedisByReplicaAAsync(redis, license.LicenseNumber, redisKey);
        // What someone who kept an earlier sealed value could put back: authentic, but read a day ago.
        var sealer = env.ServerB.GetService<ELicense.Server.Caching.RedisValueSealer>();
        var value = (byte[])(await redis.GetDatabase().StringGetAsync(redisKey))!;
        Assert.True(sealer.TryOpen(value, redisKey, ELicense.Server.Caching.LicenseEntry.Parser, out var entry));
        entry.AsOfUnixMs -= (long)TimeSpan.FromDays(1).TotalMilliseconds;
        await redis.GetDatabase().StringSetAsync(redisKey, sealer.Seal(entry, redisKey));

        var onB = await env.ServerB.Verification.GetLicenseAsync(Lookup(license.LicenseNumber), cancellationToken: Ct);

        Assert.Equal(DataSource.Registry, onB.Freshness.Source);
        Assert.Equal(license.HolderName, onB.License.HolderName);
    }

    [Fact]
    public async Task GetLicense_ReplicaWithAnotherKey_SaysSoAndDoesNotUseTheSharedEntries()
    {
        var otherKey = Convert.ToBase64String(Enumerable.Repeat((byte)0x5a, 32).ToArray());
        await using var replicaC = await ServerInstance.StartAsync(env.DataDirectory, env.Redis.Configuration, [$"--Redis:ProtectionKey={otherKey}"]);
        var license = await TestData.CreateLicenseAsync(env.ServerA);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(env.Redis.Configuration);
        var key = new RedisKey("el:v1:" + env.ServerA.GetService<CacheKeys>().License(license.LicenseNumber));
        await CachedInRedisByReplicaAAsync(redis, license.LicenseNumber, key);

        var onC = await replicaC.Verification.GetLicenseAsync(Lookup(license.LicenseNumber), cancellationToken: Ct);
        var verify = await replicaC.Verification.VerifyCredentialAsync(
            new VerifyCredentialRequest { QrPayload = await TestData.IssueAsync(env.ServerA, license.LicenseNumber), DeviceId = "privacy-c" }, cancellationToken: Ct);

        var ownFingerprint = replicaC.GetService<RedisKeyMaterial>().Fingerprint;
        Assert.Equal(RedisKeyAgreement.Mismatch, replicaC.GetService<RedisConnection>().KeyAgreement);
        Assert.Equal(DataSource.Registry, onC.Freshness.Source); // answered, from the registry, not from A's entry
        Assert.Equal(license.HolderName, onC.License.HolderName);
        Assert.Equal(Verdict.Valid, verify.Verdict);
        Assert.Equal(ReplayCheck.Shared, verify.ReplayCheck); // replay claims need no shared key and stay shared
        Assert.Equal(env.ServerA.GetService<RedisKeyMaterial>().Fingerprint, (string?)await redis.GetDatabase().StringGetAsync("el:v1:key-fingerprint"));
        Assert.Contains(LogCapture.Instance.Lines, l => l.Contains("Redis protection key mismatch", StringComparison.Ordinal) && l.Contains(ownFingerprint, StringComparison.Ordinal));
        Assert.False(await redis.GetDatabase().KeyExistsAsync("el:v1:" + replicaC.GetService<CacheKeys>().License(license.LicenseNumber))); // C wrote nothing
        var health = new Health.HealthClient(replicaC.Channel);
        await TestData.EventuallyAsync(async () =>
            (await health.CheckAsync(new HealthCheckRequest { Service = "redis" }, cancellationToken: Ct)).Status == HealthCheckResponse.Types.ServingStatus.NotServing,
            TimeSpan.FromSeconds(10));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct)).Status);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>A raw connection in MONITOR mode: every command any client sends, as Redis prints it.</summary>
    private sealed class RedisMonitor : IAsyncDisposable
    {
        private readonly TcpClient _client;
        private readonly StringBuilder _seen = new();
        private readonly Task _reader;

        private RedisMonitor(TcpClient client)
        {
            _client = client;
            _reader = Task.Run(ReadAsync);
        }

        public static async Task<RedisMonitor> StartAsync(int port)
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            await client.GetStream().WriteAsync("MONITOR\r\n"u8.ToArray());
            var monitor = new RedisMonitor(client);
            await TestData.EventuallyAsync(() => Task.FromResult(monitor.Text.StartsWith("+OK", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
            return monitor;
        }

        private string Text
        {
            get
            {
                lock (_seen)
                {
                    return _seen.ToString();
                }
            }
        }

        /// <summary>How MONITOR prints a UTF-8 string: bytes above 0x7e as \xNN.</summary>
        public static string Escape(string value) =>
            string.Concat(Encoding.UTF8.GetBytes(value).Select(b => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}"));

        /// <summary>Sends a marker through <paramref name="redis"/> and returns everything seen up to it.</summary>
        public async Task<string> StopAsync(ConnectionMultiplexer redis)
        {
            var marker = "privacy-monitor-end-" + Guid.NewGuid().ToString("N");
            await redis.GetDatabase().ExecuteAsync("ECHO", marker);
            await TestData.EventuallyAsync(() => Task.FromResult(Text.Contains(marker, StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
            return Text;
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                var stream = _client.GetStream();
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0)
                {
                    lock (_seen)
                    {
                        _seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                // closed by DisposeAsync
            }
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _reader;
        }
    }
}
