using ELicense.Bench;

namespace ELicense.Bench.Tests;

public sealed class RateScheduleTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.001)]
    [InlineData(999, 0.999)]
    [InlineData(1000, 1.0)]
    [InlineData(123_456, 123.456)]
    public void DueSeconds_Constant_IsIndexOverRate(long index, double expected)
    {
        var schedule = RateSchedule.Constant(1000);

        Assert.Equal(expected, schedule.DueSeconds(index), Tolerance);
    }

    [Fact]
    public void DueSeconds_RampFromZero_FollowsTheSquareRootOfTheCount()
    {
        // 0 → 1000/s over 10 s: N(t) = 50 t², so request i is due at √(i / 50); the ramp ends at request 5000.
        var schedule = RateSchedule.Ramp(0, 1000, TimeSpan.FromSeconds(10));

        Assert.Equal(0, schedule.DueSeconds(0), Tolerance);
        Assert.Equal(Math.Sqrt(1 / 50.0), schedule.DueSeconds(1), Tolerance);
        Assert.Equal(5, schedule.DueSeconds(1250), Tolerance);
        Assert.Equal(10, schedule.DueSeconds(5000), 1e-7);
        // Then the end rate holds.
        Assert.Equal(11, schedule.DueSeconds(6000), 1e-7);
    }

    [Fact]
    public void DueSeconds_RampUp_MatchesTheIntegralOfTheRate()
    {
        // 1000 → 5000/s over 30 s: N(30) = 1000·30 + (4000/30)·30²/2 = 90,000.
        var schedule = RateSchedule.Ramp(1000, 5000, TimeSpan.FromSeconds(30));

        Assert.Equal(1.0 / 1000, schedule.DueSeconds(1), 1e-6);
        Assert.Equal(30, schedule.DueSeconds(90_000), 1e-6);
        Assert.Equal(31, schedule.DueSeconds(95_000), 1e-6);
        Assert.Equal(5000, schedule.PeakRate);
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.ShapedLength);
    }

    [Fact]
    public void DueSeconds_RampDownToZero_EndsAfterTheLastRequest()
    {
        // 1000 → 0 over 2 s: the count reaches 1000 at 2 s, so requests 0..1000 are due, then none.
        var schedule = RateSchedule.Ramp(1000, 0, TimeSpan.FromSeconds(2));

        Assert.Equal(1001, schedule.CountBefore(double.PositiveInfinity));
        Assert.Equal(2, schedule.DueSeconds(1000), 1e-6);
        Assert.True(double.IsPositiveInfinity(schedule.DueSeconds(1001)));
    }

    [Fact]
    public void DueSeconds_Steps_ChangeRateAtEachStepAndHoldTheLast()
    {
        var schedule = RateSchedule.Steps([1000, 2000, 4000], TimeSpan.FromSeconds(10));

        Assert.Equal(9.999, schedule.DueSeconds(9_999), Tolerance);
        Assert.Equal(10, schedule.DueSeconds(10_000), Tolerance);
        Assert.Equal(10.0005, schedule.DueSeconds(10_001), Tolerance);
        Assert.Equal(20, schedule.DueSeconds(30_000), Tolerance);
        Assert.Equal(20.00025, schedule.DueSeconds(30_001), Tolerance);
        Assert.Equal(30, schedule.DueSeconds(70_000), 1e-7);
        Assert.Equal(31, schedule.DueSeconds(74_000), 1e-7);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4_999)]
    [InlineData(5_000)]
    [InlineData(12_345)]
    [InlineData(70_001)]
    public void CountBefore_DueTimeOfIndex_CountsTheRequestsBeforeIt(long index)
    {
        foreach (var schedule in new[]
        {
            RateSchedule.Constant(777),
            RateSchedule.Ramp(0, 3000, TimeSpan.FromSeconds(7)),
            RateSchedule.Steps([1000, 2000, 4000], TimeSpan.FromSeconds(10)),
        })
        {
            var due = schedule.DueSeconds(index);

            Assert.Equal(index, schedule.CountBefore(due));
            Assert.Equal(index + 1, schedule.CountBefore(due + 1e-6));
        }
    }

    [Fact]
    public void WithLeadIn_Warmup_RunsAtTheInitialRateThenShiftsTheSchedule()
    {
        var schedule = RateSchedule.Steps([1000, 2000], TimeSpan.FromSeconds(10)).WithLeadIn(TimeSpan.FromSeconds(2));

        // 2 s at 1000/s, then the first step (10 s at 1000/s), then 2000/s.
        Assert.Equal(2000, schedule.CountBefore(2));
        Assert.Equal(12, schedule.DueSeconds(12_000), Tolerance);
        Assert.Equal(12.0005, schedule.DueSeconds(12_001), Tolerance);
    }

    [Fact]
    public void EndIndex_DurationAndCount_WhicheverComesFirst()
    {
        var byDuration = new OpenLoopPlan(RateSchedule.Constant(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), null, 10);
        var byCount = byDuration with { Count = 50 };

        Assert.Equal(100, byDuration.FirstMeasured);
        Assert.Equal(300, byDuration.EndIndex);
        Assert.Equal(150, byCount.EndIndex);
    }
}
