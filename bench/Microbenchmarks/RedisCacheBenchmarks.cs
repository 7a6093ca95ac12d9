using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ELicense.Server.Caching;
using ELicense.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace ELicense.Microbenchmarks;

/// <summary>
/// What keeping personal data out of Redis costs, against the plain path it replaced, side by side in
/// one run: the key (HMAC against concatenation), a Redis hit (open and parse against parse), a Redis
/// write (seal against serialise), and the whole in-process verify for scale. Each category has its own
/// baseline, so <c>Ratio</c> reads "protected / plain".
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class RedisCacheBenchmarks : IDisposable
{
    private const string RedisKey = "el:v1:lic:3f2a6c1e9b0d4f5a8e7c2b1a0d9f8e7c";

    private static readonly MessageParser<LicenseEntry> Parser = LicenseEntry.Parser;

    private VerifyFixture _fixture = null!;
    private CacheKeys _keys = null!;
    private RedisValueSealer _sealer = null!;
    private LicenseEntry _entry = null!;
    private byte[] _plain = null!;
    private byte[] _sealed = null!;
    private string _number = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new VerifyFixture();
        var material = RedisKeyMaterial.FromKey(RandomNumberGenerator.GetBytes(RedisOptions.ProtectionKeyBytes));
        _keys = new CacheKeys(material);
        _sealer = new RedisValueSealer(material, NullLogger<RedisValueSealer>.Instance);
        // A typical entry: a licence with its violation totals, stamped as the cache stamps it.
        _entry = new LicenseEntry { License = _fixture.License, Violations = _fixture.Violations, AsOfUnixMs = 1_764_000_000_000, AsOfSequence = 123_456 };
        _number = _fixture.License.LicenseNumber;
        _plain = _entry.ToByteArray();
        _sealed = _sealer.Seal(_entry, RedisKey);
        if (!_sealer.TryOpen(_sealed, RedisKey, Parser, out var opened) || !opened.Equals(_entry))
        {
            throw new InvalidOperationException("The sealed entry does not open to itself.");
        }
    }

    /// <summary>The old key: prefix and licence number.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("key")]
    public string PlainKey() => CacheKeys.LicensePrefix + _number;

    /// <summary>The key now: prefix and truncated HMAC-SHA256 (every lookup pays it, memory hits too).</summary>
    [Benchmark, BenchmarkCategory("key")]
    public string HashedKey() => _keys.License(_number);

    /// <summary>The old Redis hit: parse the protobuf bytes.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("redis-hit")]
    public LicenseEntry PlainParse() => Parser.ParseFrom(_plain);

    /// <summary>The Redis hit now: AES-GCM open (tag check), then parse.</summary>
    [Benchmark, BenchmarkCategory("redis-hit")]
    public LicenseEntry? OpenAndParse() => _sealer.TryOpen(_sealed, RedisKey, Parser, out var entry) ? entry : null;

    /// <summary>The old Redis write: serialise.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("redis-write")]
    public byte[] PlainSerialize() => _entry.ToByteArray();

    /// <summary>The Redis write now: serialise into the sealed array, random nonce, encrypt in place.</summary>
    [Benchmark, BenchmarkCategory("redis-write")]
    public byte[] SerializeAndSeal() => _sealer.Seal(_entry, RedisKey);

    /// <summary>For scale: the whole in-process verify (memory hit, so the hashed key is its only new cost).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("verify")]
    public Task<VerifyCredentialResponse> VerifyAsync() =>
        _fixture.Verification.VerifyAsync(_fixture.Payload, VerifyFixture.DeviceId, CancellationToken.None);

    public void Dispose()
    {
        _fixture?.Dispose();
        _keys?.Dispose();
        _sealer?.Dispose();
        GC.SuppressFinalize(this);
    }
}
