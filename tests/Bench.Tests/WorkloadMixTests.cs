using ELicense.Bench;

namespace ELicense.Bench.Tests;

public sealed class WorkloadMixTests
{
    [Fact]
    public void TryParse_WeightedMix_KeepsOrderAndWeights()
    {
        Assert.True(WorkloadMix.TryParse("license=70, verify=20,vehicle=10", out var mix, out _));

        Assert.Equal([(Workload.License, 70), (Workload.Verify, 20), (Workload.Vehicle, 10)], mix.Entries);
        Assert.Equal(100, mix.TotalWeight);
        Assert.Equal(0.2, mix.Share(Workload.Verify), 1e-12);
        Assert.Equal("license=70,verify=20,vehicle=10", mix.Description);
    }

    [Theory]
    [InlineData("license=70,verfy=30", "--mix: unknown workload \"verfy\"")]
    [InlineData("license=70,verify", "--mix: \"verify\" needs a whole weight from 1 to 1000000, e.g. verify=70")]
    [InlineData("license=0", "--mix: \"license=0\" needs a whole weight")]
    [InlineData("license=1,license=2", "--mix: license is given twice")]
    public void TryParse_Invalid_SaysWhatIsWrong(string text, string message)
    {
        Assert.False(WorkloadMix.TryParse(text, out _, out var error));
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_Draws_FollowTheWeights()
    {
        Assert.True(WorkloadMix.TryParse("license=70,verify=20,vehicle=10", out var mix, out _));

        Assert.Equal(0, mix.Pick(0));
        Assert.Equal(0, mix.Pick(69));
        Assert.Equal(1, mix.Pick(70));
        Assert.Equal(1, mix.Pick(89));
        Assert.Equal(2, mix.Pick(90));
        Assert.Equal(2, mix.Pick(99));
    }

    [Fact]
    public void Pick_ThroughThePicker_MatchesTheWeightsOverManyRequests()
    {
        Assert.True(WorkloadMix.TryParse("license=70,verify=20,vehicle=10", out var mix, out _));
        var picker = new RequestPicker(mix, KeySkew.Uniform, seed: 7, [1000, 0, 500]);

        var counts = new int[3];
        for (long i = 0; i < 100_000; i++)
        {
            counts[picker.Pick(i).Operation]++;
        }

        Assert.InRange(counts[0], 69_000, 71_000);
        Assert.InRange(counts[1], 19_000, 21_000);
        Assert.InRange(counts[2], 9_000, 11_000);
    }
}
