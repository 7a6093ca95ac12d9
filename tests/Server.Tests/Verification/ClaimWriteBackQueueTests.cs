using ELicense.Server.Tests.Credentials;
using ELicense.Server.Verification.Replay;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ELicense.Server.Tests.Verification;

/// <summary>The write-back queue: bounded, in order, expired claims never written; and the local memory it draws from.</summary>
public sealed class ClaimWriteBackQueueTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(CredentialTestKit.Start);
    private readonly ClaimWriteBackQueue _queue;

    public ClaimWriteBackQueueTests() =>
        _queue = new ClaimWriteBackQueue(Options.Create(new ReplayOptions { WriteBackCapacity = 3 }), _time);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private PendingClaim Claim(int n, TimeSpan keep) => new((UInt128)n, new ReplayClaim(NowMs, $"device-{n}"), NowMs + (long)keep.TotalMilliseconds);

    [Fact]
    public void Enqueue_BeyondCapacity_DroppedAndCounted()
    {
        var accepted = Enumerable.Range(1, 5).Select(n => _queue.Enqueue(Claim(n, TimeSpan.FromMinutes(1)))).ToList();

        Assert.Equal([true, true, true, false, false], accepted);
        Assert.Equal(3, _queue.Count);
        Assert.Equal(2, _queue.Dropped);
    }

    [Fact]
    public void TakeBatch_ExpiredClaims_SkippedInOrderRestKept()
    {
        _queue.Enqueue(Claim(1, TimeSpan.FromSeconds(10)));
        _queue.Enqueue(Claim(2, TimeSpan.FromMinutes(5)));
        _queue.Enqueue(Claim(3, TimeSpan.FromMinutes(5)));
        _time.Advance(TimeSpan.FromSeconds(10));

        var batch = new List<PendingClaim>();
        var expired = _queue.TakeBatch(batch, max: 1);

        Assert.Equal(1, expired);
        Assert.Equal([(UInt128)2], batch.Select(c => c.Key));
        Assert.Equal(1, _queue.Count);
        Assert.True(_queue.Enqueue(Claim(4, TimeSpan.FromMinutes(1)))); // room again
    }

    [Fact]
    public async Task WaitAsync_Woken_ReturnsWithoutTheClock()
    {
        var waiting = _queue.WaitAsync(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        _queue.Enqueue(Claim(1, TimeSpan.FromMinutes(1)));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task WaitAsync_NotWoken_ReturnsWhenTheRetryIntervalHasPassed()
    {
        var waiting = _queue.WaitAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void LocalClaims_Remember_EarlierClaimWinsLaterIgnored()
    {
        var local = new LocalClaims();
        var original = new ReplayClaim(1_000, "device-a");
        var keep = NowMs + 60_000;

        local.GetOrAdd(7, new ReplayClaim(2_000, "device-x"), keep);
        var afterEarlier = local.Remember(7, original, keep);
        var afterLater = local.Remember(7, new ReplayClaim(3_000, "device-y"), keep);

        Assert.Same(original, afterEarlier);
        Assert.Same(original, afterLater);
        Assert.Equal([original], local.Live(NowMs).Select(c => c.Claim));
        Assert.Empty(local.Live(keep));
    }

    [Fact]
    public void LocalClaims_Hex_MatchesTheTokenIdHex()
    {
        var tokenId = Convert.FromHexString("00112233445566778899aabbccddeeff");

        Assert.Equal("00112233445566778899aabbccddeeff", LocalClaims.Hex(LocalClaims.Key(tokenId)));
    }

    public void Dispose() => _queue.Dispose();
}
