using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.Server.Credentials;
using ELicense.Server.Observability;
using ELicense.Server.Registry;
using ELicense.Server.Resilience;
using ELicense.Server.Security;
using ELicense.Server.Verification;
using ELicense.Server.Verification.Replay;
using ELicense.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace ELicense.Microbenchmarks;

/// <summary>
/// The verify path's real parts, wired by hand the way the container wires them, without Redis, disk or
/// network: no Redis configured (so the replay guard runs on this process's memory, as it does when Redis
/// is down), and a registry that holds one licence and is read once, so measured calls are memory hits.
/// </summary>
internal sealed class VerifyFixture : IDisposable
{
    /// <summary>A fixed clock: the credential stays inside its window and the cached licence stays fresh for any run length.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public const string DeviceId = "handheld-0007";

    private readonly ServiceProvider _services;
    private readonly MemoryCache _memory;
    private readonly ClaimWriteBackQueue _writeBack;

    public VerifyFixture()
    {
        Time = new FixedTime(Now);
        using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var signing = RingKey.FromPrivateKey(ecdsa);
            Ring = new KeyRing([signing], signing);
        }

        var credentialOptions = Options.Create(new CredentialOptions());
        Issuer = new CredentialIssuer(Ring, credentialOptions, Time);
        Verifier = new CredentialVerifier(Ring, credentialOptions, Time);
        License = SampleLicense();
        Violations = new ViolationSummary { UnprocessedCount = 1, UnprocessedPoints = 3, UnprocessedFineYuan = 200 };
        Payload = Issuer.Issue(License).QrPayload;

        _services = new ServiceCollection().AddLogging().AddMetrics().AddResiliencePipelines(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var pipelines = _services.GetRequiredService<ResiliencePipelineProvider<string>>();
        var redis = new RedisConnection(Options.Create(new RedisOptions()), NullLogger<RedisConnection>.Instance);
        var keyMaterial = RedisKeyMaterial.Ephemeral();
        var sealer = new RedisValueSealer(keyMaterial, NullLogger<RedisValueSealer>.Instance);
        var cacheOptions = Options.Create(new CacheOptions());
        var changes = new ChangeTracker(cacheOptions, Time);
        var invalidation = new InvalidationState(cacheOptions, Time);
        invalidation.PollSucceeded(invalidation.PollStarting()); // as the change-feed follower does before calls are taken
        _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });
        var licenses = new TwoLevelCache<LicenseEntry>(_memory, redis, pipelines, cacheOptions, changes, invalidation, Time, NullLogger<TwoLevelCache<LicenseEntry>>.Instance, sealer);
        var vehicles = new TwoLevelCache<VehicleEntry>(_memory, redis, pipelines, cacheOptions, changes, invalidation, Time, NullLogger<TwoLevelCache<VehicleEntry>>.Instance, sealer);
        Reader = new RegistryReader(new OneLicenseStore(new LicenseRecord(License, Violations)), licenses, vehicles,
            new ServerMetrics(_services.GetRequiredService<IMeterFactory>()), new CacheKeys(keyMaterial));
        _writeBack = new ClaimWriteBackQueue(Options.Create(new ReplayOptions()), Time);
        ReplayGuard = new ReplayGuard(new RedisClaimStore(redis, pipelines), new LocalClaims(),
            new ClaimLossDetector(credentialOptions, Options.Create(new ReplayOptions()), Time), _writeBack,
            new ReplicaWait(redis, Options.Create(new ReplayOptions()), Time, NullLogger<ReplicaWait>.Instance), Time, NullLogger<ReplayGuard>.Instance);
        Verification = new CredentialVerification(Verifier, ReplayGuard, Reader, credentialOptions, Time);

        // The first call reads the registry into memory and claims the token for this device; every later
        // call is the steady state measured: a memory hit and a repeat scan by the same device.
        var first = Verification.VerifyAsync(Payload, DeviceId, CancellationToken.None).GetAwaiter().GetResult();
        Response = Verification.VerifyAsync(Payload, DeviceId, CancellationToken.None).GetAwaiter().GetResult();
        if (first.Verdict != Verdict.Valid || Response.Verdict != Verdict.Valid || !Response.RepeatScan
            || Response.Freshness.Source != DataSource.Memory || Response.ReplayCheck != ReplayCheck.LocalOnly)
        {
            throw new InvalidOperationException($"The fixture's verify path is not the one meant to be measured: {Response}");
        }

        Subjects = new AuditSubjects(RandomNumberGenerator.GetBytes(AuditOptions.SubjectKeyBytes));
        Officer = new Caller("desk-1", new[] { Roles.Officer }.ToFrozenSet(StringComparer.Ordinal), 100, null);
        TransferOffice = new Caller("transfer-office-3", new[] { Roles.Transfer }.ToFrozenSet(StringComparer.Ordinal), 100, null);
    }

    public TimeProvider Time { get; }

    public KeyRing Ring { get; }

    public CredentialIssuer Issuer { get; }

    public CredentialVerifier Verifier { get; }

    public License License { get; }

    public ViolationSummary Violations { get; }

    /// <summary>A credential minted by the real issuer, as a handheld scans it.</summary>
    public string Payload { get; }

    public RegistryReader Reader { get; }

    public ReplayGuard ReplayGuard { get; }

    public CredentialVerification Verification { get; }

    /// <summary>A full (unshaped) VALID answer, as VerifyAsync returns it in the steady state.</summary>
    public VerifyCredentialResponse Response { get; }

    public AuditSubjects Subjects { get; }

    public Caller Officer { get; }

    public Caller TransferOffice { get; }

    /// <summary>A realistic licence: an 18-character number, a Chinese name, both validity dates.</summary>
    public static License SampleLicense() => new()
    {
        LicenseNumber = "11010519491231002X",
        FileNumber = "110100123456",
        HolderName = "张三丰",
        LicenseClass = "C1",
        Status = LicenseStatus.Normal,
        FirstIssueDate = new Google.Type.Date { Year = 2015, Month = 6, Day = 1 },
        ValidFromDate = new Google.Type.Date { Year = 2021, Month = 6, Day = 1 },
        ValidUntilDate = new Google.Type.Date { Year = 2031, Month = 6, Day = 1 },
        Points = 3,
        IssuingAuthority = "北京市公安局公安交通管理局",
        UpdateTime = Timestamp.FromDateTimeOffset(Now.AddDays(-30)),
    };

    public void Dispose()
    {
        _memory.Dispose();
        _writeBack.Dispose();
        _services.Dispose();
        Ring.Dispose();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A registry of one licence; only the licence read is ever called.</summary>
    private sealed class OneLicenseStore(LicenseRecord record) : IRegistryStore
    {
        public Task<LicenseRecord?> GetLicenseAsync(string licenseNumber, CancellationToken cancellationToken) =>
            Task.FromResult(licenseNumber == record.License.LicenseNumber ? record : null);

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<VehicleRecord?> GetVehicleByPlateAsync(Plate plate, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<VehicleRecord?> GetVehicleByVinAsync(string vin, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ViolationPage> ListViolationsAsync(ViolationQuery query, ViolationCursor? after, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<WriteResult<License>> UpsertLicenseAsync(License license, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<WriteResult<License>?> UpdateLicenseStatusAsync(string licenseNumber, LicenseStatus status, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<WriteResult<Violation>> RecordViolationAsync(Violation violation, string requestId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<WriteResult<ResolvedViolation>?> ResolveViolationAsync(string violationId, ViolationResolution resolution,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<WriteResult<Vehicle>> UpsertVehicleAsync(Vehicle vehicle, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RegistryChange>> GetChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<long> GetLatestChangeSequenceAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

        public Task<long> GetLastChangeSequenceBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0L);

        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
