using BenchmarkDotNet.Attributes;
using ELicense.Server.Auditing;
using ELicense.Server.Caching;
using ELicense.Server.Security;
using ELicense.Server.Validation;
using ELicense.Server.Verification;
using ELicense.V1;
using Google.Protobuf;
using Google.Protobuf.Collections;
using ELicense.Core;
using ELicense.Core.Rules;

namespace ELicense.Microbenchmarks;

/// <summary>
/// The in-process rest of a verify call around the credential check: the whole
/// <see cref="CredentialVerification.VerifyAsync"/> (replay guard in local mode, licence from memory),
/// then what the gRPC method and the audit interceptor do with its answer, short of the network and the
/// audit file's commit.
/// </summary>
[MemoryDiagnoser]
public class VerifyPathBenchmarks : IDisposable
{
    private const string CallerId = "desk-1";
    private const string Method = "VerifyCredential";

    private VerifyFixture _fixture = null!;
    private readonly RepeatedField<NotValidReason> _reasons = [];
    private readonly byte[] _prevHash = new byte[AuditChain.HashSize];
    private readonly byte[] _hash = new byte[AuditChain.HashSize];
    private byte[] _hashBuffer = new byte[256];
    private byte[] _wire = null!;
    private readonly string _deviceId = VerifyFixture.DeviceId;
    private readonly DateTimeOffset _now = VerifyFixture.Now;
    private DateOnly _today;
    private string _subject = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new VerifyFixture();
        _today = Dates.ChinaToday(VerifyFixture.Now);
        _subject = _fixture.Subjects.License(_fixture.License.LicenseNumber);
        _wire = new byte[_fixture.Response.CalculateSize() * 2];
    }

    /// <summary>The whole verify path in process: credential, replay guard (local), licence (memory hit), verdict.</summary>
    [Benchmark(Baseline = true)]
    public Task<VerifyCredentialResponse> VerifyAsync() =>
        _fixture.Verification.VerifyAsync(_fixture.Payload, VerifyFixture.DeviceId, CancellationToken.None);

    /// <summary>
    /// One unary VerifyCredential as the server runs it, less the transport and the audit commit: the
    /// device id check, the verify path, the audit description and subject, the shaping, the audit
    /// record's chain hash, and the response's serialisation.
    /// </summary>
    [Benchmark]
    public async Task<int> VerifyCall()
    {
        new RequestValidator().ClientId(VerifyFixture.DeviceId, "device_id", required: true).ThrowIfInvalid();
        var response = await _fixture.Verification.VerifyAsync(_fixture.Payload, VerifyFixture.DeviceId, CancellationToken.None);
        var scope = new AuditScope { DeviceId = VerifyFixture.DeviceId };
        Auditor.Describe(scope, response);
        var subject = _fixture.Subjects.License(scope.LicenseNumber!);
        var shaped = ResponseShaping.ForCaller(response, _fixture.Officer);
        AuditChain.ComputeHash(_prevHash, 1, VerifyFixture.Now.ToUnixTimeMilliseconds(), CallerId, scope.DeviceId, Method, subject,
            (int)scope.Purpose, scope.Result, (int)scope.Source, ref _hashBuffer, _hash);
        var size = shaped.CalculateSize();
        shaped.WriteTo(_wire.AsSpan(0, size));
        return size;
    }

    [Benchmark]
    public bool DeviceIdValidation() =>
        new RequestValidator().ClientId(_deviceId, "device_id", required: true).IsValid;

    [Benchmark]
    public bool LicenseRulesEvaluate()
    {
        _reasons.Clear();
        return LicenseRules.Evaluate(_fixture.License, _today, _reasons);
    }

    [Benchmark]
    public Freshness FreshnessCreate() =>
        FreshnessInfo.Create(DataSource.Memory, _now.ToUnixTimeMilliseconds() - 5_000, stale: false, _now,
            new FreshnessBound(InvalidationPath.Live, TimeSpan.FromMilliseconds(500), TooOld: false));

    /// <summary>An officer sees everything: shaping hands the answer back as it is.</summary>
    [Benchmark]
    public VerifyCredentialResponse ShapeForOfficer() => ResponseShaping.ForCaller(_fixture.Response, _fixture.Officer);

    /// <summary>A transfer office sees no personal data: a copy with masked number and no name.</summary>
    [Benchmark]
    public VerifyCredentialResponse ShapeForTransfer() => ResponseShaping.ForCaller(_fixture.Response, _fixture.TransferOffice);

    /// <summary>The protobuf bytes gRPC writes for the answer (size, then encode).</summary>
    [Benchmark]
    public int SerializeResponse()
    {
        var size = _fixture.Response.CalculateSize();
        _fixture.Response.WriteTo(_wire.AsSpan(0, size));
        return size;
    }

    [Benchmark]
    public string AuditSubjectHmac() => _fixture.Subjects.License(_fixture.License.LicenseNumber);

    [Benchmark]
    public byte AuditChainHash()
    {
        AuditChain.ComputeHash(_prevHash, 1, VerifyFixture.Now.ToUnixTimeMilliseconds(), CallerId, VerifyFixture.DeviceId, Method, _subject,
            0, nameof(Verdict.Valid), (int)DataSource.Memory, ref _hashBuffer, _hash);
        return _hash[0];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _fixture?.Dispose();
        GC.SuppressFinalize(this);
    }
}
