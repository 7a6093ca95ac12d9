using System.Text;
using ELicense.Server.Caching;
using ELicense.Server.Tests.Credentials;
using ELicense.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ELicense.Server.Tests.Caching;

public sealed class RedisValueSealerTests : IDisposable
{
    private const string RedisKey = "el:v1:lic:00112233445566778899aabbccddeeff";
    private const string OtherRedisKey = "el:v1:lic:ffeeddccbbaa99887766554433221100";

    private static readonly byte[] KeyA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private readonly RedisValueSealer _sealer = new(RedisKeyMaterial.FromKey(KeyA), NullLogger<RedisValueSealer>.Instance);
    private readonly LicenseEntry _entry = new()
    {
        License = CredentialTestKit.SampleLicense(),
        Violations = new ViolationSummary { UnprocessedCount = 2, UnprocessedPoints = 6 },
        AsOfUnixMs = 1_764_000_000_000,
        AsOfSequence = 41,
    };

    public void Dispose() => _sealer.Dispose();

    private static MessageParser<LicenseEntry> Parser => LicenseEntry.Parser;

    [Fact]
    public void TryOpen_SealedForThisKey_RoundTrips()
    {
        var sealedValue = _sealer.Seal(_entry, RedisKey);

        Assert.True(_sealer.TryOpen(sealedValue, RedisKey, Parser, out var opened));
        Assert.Equal(_entry, opened);
        Assert.Equal(0, _sealer.Failures);
        Assert.Equal(RedisValueSealer.Overhead + _entry.CalculateSize(), sealedValue.Length);
    }

    [Fact]
    public void Seal_Value_HoldsNoPersonalDataInClearAndFreshNonceEachTime()
    {
        var first = _sealer.Seal(_entry, RedisKey);
        var second = _sealer.Seal(_entry, RedisKey);
        var latin1 = Encoding.Latin1.GetString(first);
        var utf8 = Encoding.UTF8.GetString(first);

        Assert.DoesNotContain(_entry.License.LicenseNumber, latin1, StringComparison.Ordinal);
        Assert.DoesNotContain(_entry.License.FileNumber, latin1, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", utf8, StringComparison.Ordinal);
        Assert.NotEqual(first.AsSpan(1, RedisValueSealer.NonceBytes).ToArray(), second.AsSpan(1, RedisValueSealer.NonceBytes).ToArray());
    }

    [Fact]
    public void NonceSource_SeveralBatches_NeverTheSameNonceTwice()
    {
        var source = new NonceSource();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Span<byte> nonce = stackalloc byte[RedisValueSealer.NonceBytes];

        for (var i = 0; i < 1_000; i++)
        {
            source.Next(nonce);
            Assert.True(seen.Add(Convert.ToHexString(nonce)), $"nonce {i} repeated");
        }
    }

    public static TheoryData<string, int> Tampered => new()
    {
        { "key id", 0 },
        { "nonce", 1 },
        { "ciphertext", 1 + RedisValueSealer.NonceBytes + 5 },
        { "tag", -1 },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void TryOpen_OneBitFlipped_MissAndCounted(string part, int index)
    {
        var sealedValue = _sealer.Seal(_entry, RedisKey);
        sealedValue[index < 0 ? sealedValue.Length + index : index] ^= 0x01;

        Assert.False(_sealer.TryOpen(sealedValue, RedisKey, Parser, out var opened), part);
        Assert.Null(opened);
        Assert.Equal(1, _sealer.Failures);
    }

    [Fact]
    public void TryOpen_ValueMovedToAnotherKey_Miss()
    {
        // Someone with write access to Redis copies a licence's entry under another licence's key.
        var sealedValue = _sealer.Seal(_entry, RedisKey);

        Assert.False(_sealer.TryOpen(sealedValue, OtherRedisKey, Parser, out _));
        Assert.Equal(1, _sealer.Failures);
    }

    [Fact]
    public void TryOpen_SealedUnderAnotherProtectionKey_Miss()
    {
        using var other = new RedisValueSealer(RedisKeyMaterial.FromKey(KeyB), NullLogger<RedisValueSealer>.Instance);

        Assert.False(_sealer.TryOpen(other.Seal(_entry, RedisKey), RedisKey, Parser, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(RedisValueSealer.Overhead - 1)]
    public void TryOpen_TooShort_Miss(int length)
    {
        Assert.False(_sealer.TryOpen(new byte[length], RedisKey, Parser, out _));
    }

    [Fact]
    public void TryOpen_PlainProtobufOfAnEarlierVersion_Miss()
    {
        // What Redis held before values were sealed: read as a miss, then overwritten.
        Assert.False(_sealer.TryOpen(_entry.ToByteArray(), RedisKey, Parser, out _));
    }

    [Fact]
    public void TryOpen_AuthenticButNotAnEntry_Miss()
    {
        // Field 1 as bytes where an entry has its licence message: authentic, but does not parse.
        var notAnEntry = new Google.Protobuf.WellKnownTypes.BytesValue { Value = ByteString.CopyFrom(Enumerable.Repeat((byte)0xff, 40).ToArray()) };

        Assert.False(_sealer.TryOpen(_sealer.Seal(notAnEntry, RedisKey), RedisKey, Parser, out _));
        Assert.Equal(1, _sealer.Failures);
    }
}
