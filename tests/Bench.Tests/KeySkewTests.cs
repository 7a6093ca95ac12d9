using ELicense.Bench;

namespace ELicense.Bench.Tests;

public sealed class KeySkewTests
{
    [Theory]
    [InlineData("uniform", 1, 1)]
    [InlineData("hotspot", 0.9, 0.1)]
    [InlineData("hotspot:80/20", 0.8, 0.2)]
    [InlineData("99/1", 0.99, 0.01)]
    [InlineData("hotspot:90%/10%", 0.9, 0.1)]
    public void TryParse_Valid_ReadsTheShares(string text, double requests, double keys)
    {
        Assert.True(KeySkew.TryParse(text, out var skew, out _));
        Assert.Equal(requests, skew.HotRequestShare, 1e-12);
        Assert.Equal(keys, skew.HotKeyShare, 1e-12);
    }

    [Theory]
    [InlineData("zipf")]
    [InlineData("hotspot:90")]
    [InlineData("90/100")]
    public void TryParse_Invalid_ShowsTheAcceptedForms(string text)
    {
        Assert.False(KeySkew.TryParse(text, out _, out var error));
        Assert.Contains("uniform, or hotspot:R/K", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_HotSpot_SendsTheRequestShareToTheKeyShare()
    {
        var skew = new KeySkew(0.9, 0.1);
        var hot = 0;
        for (long i = 0; i < 100_000; i++)
        {
            var draws = SplitMix.For(42, i);
            if (skew.Pick(ref draws, 1000) < 100)
            {
                hot++;
            }
        }

        Assert.InRange(hot, 89_000, 91_000);
    }

    [Fact]
    public void Pick_Uniform_SpreadsOverEveryKey()
    {
        var counts = new int[10];
        for (long i = 0; i < 100_000; i++)
        {
            var draws = SplitMix.For(42, i);
            counts[KeySkew.Uniform.Pick(ref draws, 10)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Pick_SameSeedAndIndex_SameRequest()
    {
        Assert.True(WorkloadMix.TryParse("license=1,vehicle=1", out var mix, out _));
        var first = new RequestPicker(mix, new KeySkew(0.9, 0.1), 99, [500, 400]);
        var second = new RequestPicker(mix, new KeySkew(0.9, 0.1), 99, [500, 400]);
        var other = new RequestPicker(mix, new KeySkew(0.9, 0.1), 100, [500, 400]);

        var a = Enumerable.Range(0, 1000).Select(i => first.Pick(i)).ToList();
        var b = Enumerable.Range(0, 1000).Reverse().Select(i => second.Pick(i)).Reverse().ToList();
        var c = Enumerable.Range(0, 1000).Select(i => other.Pick(i)).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
